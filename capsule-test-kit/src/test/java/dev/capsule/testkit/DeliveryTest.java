package dev.capsule.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.sdk.Capsule;
import dev.capsule.sdk.CapsuleApp;
import dev.capsule.sdk.HistoryEntry;
import dev.capsule.sdk.Message;
import dev.capsule.sdk.ReactiveCapsuleApp;
import dev.capsule.sdk.Session;
import dev.capsule.sdk.SessionData;
import dev.capsule.testkit.TurnEvent.Notify;
import dev.capsule.testkit.TurnEvent.Reply;
import dev.capsule.testkit.TurnEvent.SendTo;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class DeliveryTest {

    /** Welcomes on enter and numbers its turns in the session data. */
    static final class CountingApp implements CapsuleApp {
        int enters;

        @Override
        public void enter(Session session) {
            enters++;
            session.notify("welcome");
        }

        @Override
        public void onMessage(Session session, Message message) {
            int turn = session.data().getInt("turns", 0) + 1;
            session.data().put("turns", turn);
            if (message.text().equals("/throw")) {
                session.reply("partial");
                throw new IllegalStateException("failed on purpose");
            }
            session.reply("#" + turn + ": " + message.text());
        }
    }

    @Test
    void enterRunsOnceBeforeTheFirstMessage() {
        CountingApp app = new CountingApp();
        TestSession session = TestSession.of("s1");

        assertEquals(List.of(new Notify("welcome"), new Reply("#1: hello")), session.send(app, "hello"));
        assertEquals(List.of(new Reply("#2: again")), session.send(app, "again"));
        assertEquals(1, app.enters);
        assertEquals(2, session.data().getInt("turns", 0));
    }

    @Test
    void aResumedSessionGoesOnFromItsDataWithoutEntering() {
        CountingApp app = new CountingApp();
        TestSession session = TestSession.of("s1").resumed().data(SessionData.empty().put("turns", 4));

        assertEquals(List.of(new Reply("#5: back")), session.send(app, "back"));
        assertEquals(0, app.enters);
    }

    @Test
    void theCurrentSessionIsSetDuringTheHooksAndInTasksTheyHandItToButNotInThreadsTheyMerelyStart() {
        TestSession session = TestSession.of("s1");
        List<Session> seen = new ArrayList<>();
        CapsuleApp app = new CapsuleApp() {
            @Override
            public void enter(Session s) {
                seen.add(Capsule.currentSession().orElse(null));
            }

            @Override
            public void onMessage(Session s, Message m) {
                seen.add(Capsule.currentSession().orElse(null));
                AtomicReference<Session> inThread = new AtomicReference<>();
                join(Thread.ofVirtual().start(Capsule.propagate(() -> inThread.set(Capsule.currentSession().orElse(null)))));
                seen.add(inThread.get());
                AtomicReference<Session> inPlainThread = new AtomicReference<>(s);
                join(Thread.ofVirtual().start(() -> inPlainThread.set(Capsule.currentSession().orElse(null))));
                assertNull(inPlainThread.get(), "a thread does not inherit the session");
            }
        };

        session.send(app, "hi");

        assertEquals(3, seen.size());
        seen.forEach(s -> assertSame(session, s));
        assertTrue(Capsule.currentSession().isEmpty(), "the current session is cleared after the turn");
    }

    @Test
    void aReactiveAppIsAwaitedAndEntersOnce() {
        TestSession session = TestSession.of("s1");
        AtomicReference<Session> current = new AtomicReference<>();
        ReactiveCapsuleApp app = new ReactiveCapsuleApp() {
            @Override
            public Uni<Void> enter(Session s) {
                return Uni.createFrom().voidItem().invoke(() -> s.notify("welcome"));
            }

            @Override
            public Uni<Void> onMessage(Session s, Message m) {
                current.set(Capsule.currentSession().orElse(null));
                // Completes later, on another thread: the turn must wait for it.
                return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(30))
                        .invoke(() -> s.reply("got " + m.text()));
            }
        };

        assertEquals(List.of(new Notify("welcome"), new Reply("got one")), session.sendReactive(app, "one"));
        assertEquals(List.of(new Reply("got two")), session.sendReactive(app, "two"));
        assertSame(session, current.get());
    }

    @Test
    void aReactiveAppWhoseUniNeverCompletesFailsTheTurn() {
        TestSession session = TestSession.of("s1").timeout(Duration.ofMillis(100));

        TurnFailedException e = assertThrows(TurnFailedException.class,
                () -> session.sendReactive((s, m) -> Uni.createFrom().nothing(), "hi"));

        assertTrue(e.getCause().getMessage().contains("did not complete within PT0.1S"), e.getCause().getMessage());
    }

    @Test
    void aFailedTurnKeepsWhatWasSaidButNotItsDataChanges() {
        CountingApp app = new CountingApp();
        TestSession session = TestSession.of("s1").resumed();
        session.send(app, "hello");

        TurnFailedException e = assertThrows(TurnFailedException.class, () -> session.send(app, "/throw"));

        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertEquals(List.of(new Reply("partial")), e.events());
        assertEquals(1, session.data().getInt("turns", 0));
        assertEquals(List.of("hello", "#1: hello", "/throw", "partial"),
                session.history().recent().stream().map(HistoryEntry::text).toList());
        assertEquals(List.of(new Reply("#2: next")), session.send(app, "next"));
    }

    @Test
    void afterItsTurnTheSessionOnlySendsTo() {
        TestSession session = TestSession.of("s1");
        AtomicReference<Session> kept = new AtomicReference<>();
        session.send((s, m) -> kept.set(s), "hi");

        IllegalStateException late = assertThrows(IllegalStateException.class, () -> kept.get().reply("too late"));
        assertTrue(late.getMessage().contains("has ended"), late.getMessage());
        assertThrows(IllegalStateException.class, () -> kept.get().notify("too late"));
        assertThrows(IllegalStateException.class, () -> kept.get().streamReply());
        kept.get().sendTo("s1", "reminder");
        assertEquals(List.of(new SendTo("s1", "reminder")), session.sentTo());
    }

    @Test
    void aMessageOfTheTestsOwnKeepsItsIdAndTime() {
        TestSession session = TestSession.of("s1");
        Message message = new Message("m-42", "hi", Instant.EPOCH);
        AtomicReference<Message> received = new AtomicReference<>();

        session.send((s, m) -> received.set(m), message);

        assertSame(message, received.get());
        assertEquals(new HistoryEntry("m-42", HistoryEntry.Role.USER, "hi", Instant.EPOCH), session.history().recent().get(0));
    }

    @Test
    void theSessionIsWhoAndWhereItWasConfiguredToBeAndThenStaysSo() {
        TestSession session = TestSession.of("s1").user("ana").channel(dev.capsule.sdk.Channel.named("telegram"));
        session.send((s, m) -> s.reply(s.user().id() + " on " + s.channel().name() + ", owner " + s.user().ownerId()), "hi");

        assertEquals(List.of("ana on telegram, owner ana"), session.replies());
        assertThrows(IllegalStateException.class, () -> session.user("bob"));
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
