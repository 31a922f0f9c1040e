package dev.capsule.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MessageTest {

    static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    @Test
    void typedTextHasNoActionWithTheConstructorAppsAlreadyCall() {
        Message typed = new Message("m-1", "done", NOW);
        assertTrue(typed.action().isEmpty());
        assertEquals("done", typed.text());
        assertEquals(typed, new Message("m-1", "done", NOW, null));
    }

    @Test
    void aPressCarriesTheButtonsValueAndReadsAsItsLabel() {
        Message press = Message.pressed("m-2", new Action("done", "Mark done"), NOW);
        assertEquals(Optional.of(new Action("done", "Mark done")), press.action());
        assertEquals("Mark done", press.text(), "history and logs read the label");
    }

    @Test
    void anActionNeedsAValueAndIsLabelledByItWhenTheChannelGaveNoLabel() {
        assertEquals("done", new Action("done", null).label());
        assertEquals("done", new Action("done", " ").label());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Action("", "Mark done"));
        assertTrue(e.getMessage().contains("value"), e.getMessage());
    }
}
