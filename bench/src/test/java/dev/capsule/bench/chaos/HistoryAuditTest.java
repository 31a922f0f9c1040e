package dev.capsule.bench.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.capsule.events.EventCodec;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The chaos audit finds each kind of damage in a history, and none in a whole one. */
class HistoryAuditTest {

    private final ChaosSession session = new ChaosSession("s", 0, null, 1);
    private final ArrayNode history = EventCodec.mapper().createArrayNode();
    private final Map<String, Integer> notes = new HashMap<>();
    private int ids;

    private ChaosMessage sent(ChaosMessage.Kind kind, String text) {
        ChaosMessage m = new ChaosMessage(session.messages.size() + 1, kind, text, "k" + session.messages.size());
        m.acceptedAt = 1;
        session.messages.add(m);
        return m;
    }

    private String asked(String text) {
        String id = "m" + ids++;
        history.addObject().put("id", id).put("role", "user").put("text", text);
        return id;
    }

    private void answered(String id, String text) {
        history.addObject().put("id", "a" + ids++).put("role", "assistant").put("text", text).put("inReplyTo", id);
    }

    /** Three turns as the demo app answers them: a plain message, a stream of 12 words, a note. */
    private void wholeConversation() {
        sent(ChaosMessage.Kind.PLAIN, "chaos s.1");
        sent(ChaosMessage.Kind.STREAM, "/stream 12 200");
        sent(ChaosMessage.Kind.NOTE, "/remember n-s.3");
        answered(asked("chaos s.1"), "#1: chaos s.1");
        answered(asked("/stream 12 200"), "token1 token2 token3 token4 token5 token6 token7 token8 token9 token10 token11 token12");
        answered(asked("/remember n-s.3"), "Noted: n-s.3 (1 notes)");
        notes.put("n-s.3", 1);
    }

    private HistoryAudit.Findings audit() {
        HistoryAudit.Tally tally = new HistoryAudit.Tally();
        HistoryAudit.compare(session, (JsonNode) history, notes, tally);
        return tally.findings();
    }

    @Test
    void aWholeConversationIsClean() {
        wholeConversation();
        assertEquals(new HistoryAudit.Findings(0, 0, 0, java.util.List.of()), audit());
    }

    @Test
    void anAcceptedMessageMissingFromTheHistoryIsLostAndOneNeverAcceptedIsNot() {
        wholeConversation();
        sent(ChaosMessage.Kind.PLAIN, "chaos s.4");
        ChaosMessage unsure = sent(ChaosMessage.Kind.PLAIN, "chaos s.5");
        unsure.acceptedAt = 0;
        unsure.inDoubt = true;
        assertEquals(1, audit().lost());
    }

    @Test
    void aMessageWithoutItsAnswerIsLost() {
        wholeConversation();
        sent(ChaosMessage.Kind.PLAIN, "chaos s.4");
        asked("chaos s.4");
        assertEquals(1, audit().lost());
    }

    @Test
    void aMessageOrAnAnswerKeptTwiceIsDuplicated() {
        wholeConversation();
        String id = history.get(0).path("id").asText();
        answered(id, "#1: chaos s.1");
        asked("chaos s.1");
        assertEquals(2, audit().duplicated());
    }

    @Test
    void aTurnNumberedWrongIsReordered() {
        sent(ChaosMessage.Kind.PLAIN, "chaos s.1");
        sent(ChaosMessage.Kind.PLAIN, "chaos s.2");
        answered(asked("chaos s.1"), "#1: chaos s.1");
        answered(asked("chaos s.2"), "#3: chaos s.2"); // a turn between them ran twice
        assertEquals(1, audit().reordered());
    }

    @Test
    void messagesInTheHistoryOutOfSendingOrderAreReordered() {
        sent(ChaosMessage.Kind.PLAIN, "chaos s.1");
        sent(ChaosMessage.Kind.PLAIN, "chaos s.2");
        answered(asked("chaos s.2"), "#1: chaos s.2");
        answered(asked("chaos s.1"), "#2: chaos s.1");
        assertEquals(1, audit().reordered(), "the later message kept before the earlier one");
    }

    @Test
    void aFailedTurnIsNotLostAndTheNextTurnTakesItsNumber() {
        sent(ChaosMessage.Kind.NOTE, "/remember n-s.1").failed = true;
        sent(ChaosMessage.Kind.PLAIN, "chaos s.2");
        asked("/remember n-s.1");
        answered(asked("chaos s.2"), "#1: chaos s.2");
        assertEquals(new HistoryAudit.Findings(0, 0, 0, java.util.List.of()), audit());
    }

    @Test
    void aStreamCutShortIsReordered() {
        sent(ChaosMessage.Kind.STREAM, "/stream 11 200");
        answered(asked("/stream 11 200"), "token1 token2");
        assertEquals(1, audit().reordered());
    }

    @Test
    void aNoteMissingOrKeptTwiceInTheCollectionIsLostOrDuplicated() {
        wholeConversation();
        notes.put("n-s.3", 2);
        assertEquals(1, audit().duplicated());
        notes.remove("n-s.3");
        assertEquals(1, audit().lost());
    }
}
