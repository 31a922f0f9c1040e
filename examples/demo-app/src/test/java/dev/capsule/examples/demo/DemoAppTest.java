package dev.capsule.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.sdk.Action;
import dev.capsule.sdk.Message;
import dev.capsule.sdk.db.Document;
import dev.capsule.sdk.db.Query;
import dev.capsule.testkit.TestSession;
import dev.capsule.testkit.TurnEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo's commands, on the test kit's TestSession: no servers. */
class DemoAppTest {

    private final DemoApp app = new DemoApp();
    // The longest stream under test, 10,000 words at 1,000 a second, takes ten.
    private final TestSession session = TestSession.of("s1").timeout(Duration.ofSeconds(30));

    @Test
    void streamWithWordsAndPaceStreamsThatManyGeneratedWords() {
        session.send(app, "/stream 5 1000");
        assertEquals(List.of(), session.replies());
        assertEquals(1, session.streams().size());
        assertEquals("token1 token2 token3 token4 token5", session.streams().getFirst().text());
    }

    @Test
    void theWordsComeAtThePaceAsked() {
        long start = System.nanoTime();
        session.send(app, "/stream 5 20");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals("token1 token2 token3 token4 token5", session.streams().getFirst().text());
        // Five words 50 ms apart: at least four gaps, whatever the first tick's delay.
        assertTrue(millis >= 190, "took " + millis + " ms");
    }

    @Test
    void plainStreamStillStreamsTheShortAnswer() {
        session.send(app, "/stream");
        assertEquals(List.of(), session.replies());
        assertEquals("Streaming is how a model's answer reaches you as it is written, one token at a time,"
                + " until the whole answer is there.", session.streams().getFirst().text());
    }

    @Test
    void anythingMalformedIsAnsweredWithTheUsage() {
        List<String> malformed = List.of("/stream 0 30", "/stream 10001 30", "/stream 300 0", "/stream 300 1001",
                "/stream 300", "/stream 300 30 2", "/stream a b", "/stream -1 30", "/stream 300 3.5",
                "/stream 99999999999 30");
        for (String text : malformed) {
            TestSession s = TestSession.of("s-" + malformed.indexOf(text));
            s.send(app, text);
            assertEquals(List.of(DemoApp.STREAM_USAGE), s.replies(), text);
            assertEquals(0, s.streams().size(), text);
        }
    }

    @Test
    void theLimitsThemselvesAreAccepted() {
        session.send(app, "/stream 10000 1000");
        session.send(app, "/stream 1 1");
        assertEquals(List.of(), session.replies());
        assertEquals(2, session.streams().size());
        assertEquals("token1", session.streams().get(1).text());
    }

    @Test
    void theTaskCardsButtonsAreAnsweredAsActionsWhileTypingTheirValueIsJustText() {
        session.send(app, Message.pressed("m1", new Action("done", "Mark done"), Instant.now()));
        session.send(app, Message.pressed("m2", new Action("snooze", "Snooze"), Instant.now()));
        session.send(app, Message.pressed("m3", new Action("archive", "Archive"), Instant.now()));
        session.send(app, "done");
        assertEquals(List.of("Marked done.", "Snoozed.", "\"Archive\" is not a button I know; try /card for a new card.", "#4: done"),
                session.replies());
    }

    @Test
    void aNewSessionIsWelcomedOnce() {
        session.send(app, "hello");
        session.send(app, "again");
        assertEquals(1, session.notifies().size());
        assertTrue(session.notifies().getFirst().startsWith("Welcome!"), session.notifies().toString());
        assertEquals(List.of("#1: hello", "#2: again"), session.replies());
    }

    @Test
    void byeSaysByeThenClosesAndExitKeepsTheSessionInClosedSessions() {
        session.send(app, "hello");
        assertEquals(List.of(new TurnEvent.Reply("Bye!"), new TurnEvent.Closed()), session.send(app, "/bye"));
        assertTrue(session.closed());
        List<Document> closed = session.db().collection(DemoApp.CLOSED_SESSIONS).find(Query.all()).documents();
        assertEquals(1, closed.size());
        assertEquals("s1", closed.getFirst().fields().path("sessionId").asText());
        assertEquals(2, closed.getFirst().fields().path("turns").asInt());

        session.send(app, "back");
        assertEquals("#1: back", session.replies().getLast(), "a new life starts counting again");
        assertEquals(2, session.notifies().size(), "and is welcomed again");
    }

    @Test
    void remindSchedulesTheTextAndSaysItWhenDue() {
        Instant asked = Instant.now();
        session.send(app, "/remind 3 hello there");
        assertEquals("I'll remind you in 3 seconds.", session.replies().getLast());
        assertEquals(1, session.scheduled().size());
        assertTrue(!session.scheduled().getFirst().dueAt().isBefore(asked.plusSeconds(3)), "due three seconds on");
        assertEquals(List.of(new TurnEvent.Reply("hello there")), session.runScheduled(app));
        assertEquals("hello there", session.history().recent().getLast().text(), "the reminder is in the history");
    }

    @Test
    void aMalformedRemindIsAnsweredWithTheUsage() {
        for (String bad : List.of("/remind", "/remind 3", "/remind x hello", "/remind -1 hello", "/remind 999999999 hi")) {
            assertEquals(List.of(DemoApp.REMIND_USAGE), session.send(app, bad).stream()
                    .filter(TurnEvent.Reply.class::isInstance).map(e -> ((TurnEvent.Reply) e).text()).toList(), bad);
        }
        assertTrue(session.scheduled().isEmpty());
    }
}
