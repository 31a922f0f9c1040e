package dev.capsule.examples.assistant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capsule.sdk.Action;
import dev.capsule.testkit.integration.CapsuleServers;
import dev.capsule.testkit.integration.TestChat;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The assistant as it runs: the Capsule runtime and its handler against real Kafka, Redis and PostgreSQL. A press
 * travels as the gateway and the channels send it, an action on the inbound event. No persistence-service runs
 * here, so what a turn writes to a collection is not read back in a later turn: AssistantAppTest covers that.
 */
@QuarkusTest
@QuarkusTestResource(value = CapsuleServers.class, restrictToAnnotatedClass = false)
class AssistantOnTheMessagePathTest {

    TestChat chat;

    @BeforeEach
    void connect() {
        chat = TestChat.connect();
    }

    @AfterEach
    void close() {
        chat.close();
    }

    @Test
    void welcomesThenStreamsTheModelsAnswer() {
        TestChat.Turn first = chat.send("assistant-1", "ana", "my name is Ana");
        assertTrue(first.notifies().get(0).startsWith("Hi! I am a local assistant."), first.events().toString());
        assertEquals("Nice to meet you, Ana.", first.replies().get(0));

        TestChat.Turn answer = chat.send("assistant-1", "ana", "how do streams work?");
        assertEquals(LocalModel.compose("how do streams work?", Optional.of("Ana"), 0), answer.streams().get(0));
    }

    @Test
    void aCardsButtonComesBackAsAnAction() {
        TestChat.Turn made = chat.send("assistant-2", "bo", "remind me to ship it");
        ObjectNode card = made.blocks().get(0);
        assertEquals("task_card", card.path("kind").asText());
        assertEquals("ship it", card.path("title").asText());
        assertEquals("Done", card.path("actions").get(0).path("label").asText());

        // A press the app no longer knows: answered as a press, where the same words typed would go to the model.
        TestChat.Turn pressed = chat.press("assistant-2", "bo", new Action("archive:42", "Archive"));
        assertEquals(List.of("I do not know the button \"Archive\" any more. Say /tasks to see your tasks."),
                pressed.replies(), pressed.events().toString());
        TestChat.Turn typed = chat.send("assistant-2", "bo", "archive:42");
        assertEquals(List.of(), typed.replies());
        assertEquals(1, typed.streams().size());
    }
}
