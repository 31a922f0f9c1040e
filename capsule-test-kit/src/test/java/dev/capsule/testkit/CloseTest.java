package dev.capsule.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.sdk.CapsuleApp;
import dev.capsule.sdk.Message;
import dev.capsule.sdk.Session;
import dev.capsule.testkit.TurnEvent.Closed;
import dev.capsule.testkit.TurnEvent.Reply;
import io.smallrye.mutiny.Multi;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kit closes a session as the runtime does: exit() once per close, after the turn's replies; the next message is a new life. */
class CloseTest {

    /** Counts turns and lives in data; "/bye" closes; exit says what it saw. */
    static final class Lifecycle implements CapsuleApp {
        int enters;

        @Override
        public void enter(Session session) {
            enters++;
        }

        @Override
        public void onMessage(Session session, Message message) {
            int turns = session.data().getInt("turns", 0) + 1;
            session.data().put("turns", turns);
            if (message.text().equals("/bye")) {
                session.close();
                session.reply("Bye!");
            } else if (message.text().equals("/bye-and-fail")) {
                session.close();
                throw new IllegalStateException("on purpose");
            } else {
                session.reply("#" + turns);
            }
        }

        @Override
        public void exit(Session session) {
            session.reply("exit after " + session.data().getInt("turns", 0) + " turns, history " + session.history().recent().size());
        }
    }

    @Test
    void theHandlersCloseRunsExitAfterTheTurnsRepliesAndTheNextMessageIsANewLife() {
        Lifecycle app = new Lifecycle();
        TestSession session = TestSession.of("s1");

        session.send(app, "hi");
        assertEquals(List.of(new Reply("Bye!"), new Closed(), new Reply("exit after 2 turns, history 4")), session.send(app, "/bye"));
        assertTrue(session.closed());

        assertEquals(List.of(new Reply("#1")), session.send(app, "again"), "the data starts empty");
        assertEquals(2, app.enters, "enter() ran again");
        assertFalse(session.closed());
        assertEquals(1, session.closes());
        assertEquals(7, session.history().recent().size(), "the history goes on");
    }

    @Test
    void theUsersCloseRunsExitOnceAndNotBeforeTheFirstMessage() {
        Lifecycle app = new Lifecycle();
        TestSession session = TestSession.of("s1");

        assertEquals(List.of(), session.closeByUser(app), "a session with no message yet: nothing to close");
        session.send(app, "hi");
        assertEquals(List.of(new Closed(), new Reply("exit after 1 turns, history 2")), session.closeByUser(app));
        assertEquals(List.of(), session.closeByUser(app), "closed already: no second exit()");
        assertEquals(1, session.closes());
    }

    @Test
    void aFailedTurnDoesNotCloseAndCloseAfterTheTurnIsRefused() {
        Lifecycle app = new Lifecycle();
        TestSession session = TestSession.of("s1");

        assertThrows(TurnFailedException.class, () -> session.send(app, "/bye-and-fail"));
        assertFalse(session.closed());
        assertEquals(0, session.closes());
        assertThrows(IllegalStateException.class, session::close, "after its turn, a close would be lost");
    }

    @Test
    void aTurnWhoseStreamSourceFailsDoesNotCloseEither() {
        TestSession session = TestSession.of("s1");
        CapsuleApp app = (s, m) -> {
            s.close();
            s.streamReplyFrom(Multi.createFrom().failure(new IllegalStateException("the model failed")));
        };

        assertThrows(TurnFailedException.class, () -> session.send(app, "/bye"));
        assertFalse(session.closed());
        assertEquals(0, session.closes());
    }

    @Test
    void anExitThatThrowsStillClosesAndIsKept() {
        CapsuleApp app = new CapsuleApp() {
            @Override
            public void onMessage(Session session, Message message) {
                session.close();
            }

            @Override
            public void exit(Session session) {
                throw new IllegalStateException("exit failed on purpose");
            }
        };
        TestSession session = TestSession.of("s1");

        assertEquals(List.of(new Closed()), session.send(app, "/bye"));
        assertTrue(session.closed());
        assertEquals("exit failed on purpose", session.exitFailure().getMessage());
    }
}
