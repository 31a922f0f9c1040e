package dev.capsule.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.sdk.CapsuleApp;
import dev.capsule.sdk.ReplyStream;
import dev.capsule.testkit.TurnEvent.Chunk;
import dev.capsule.testkit.TurnEvent.Reply;
import dev.capsule.testkit.TurnEvent.StreamEnd;
import io.smallrye.mutiny.Multi;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class StreamsTest {

    @Test
    void aPublisherIsDrainedWhereTheHandlerAskedForIt() {
        TestSession session = TestSession.of("s1");
        // Ticks arrive on another thread, later: the kit must still put them before the reply that follows.
        Multi<String> model = Multi.createFrom().ticks().every(Duration.ofMillis(5)).select().first(3).map(i -> "t" + i);

        List<TurnEvent> turn = session.send((s, m) -> {
            s.streamReplyFrom(model);
            s.reply("after");
        }, "go");

        assertEquals(List.of(new Chunk(0, "t0"), new Chunk(0, "t1"), new Chunk(0, "t2"), new StreamEnd(0), new Reply("after")), turn);
        assertEquals(new RecordedStream(List.of("t0", "t1", "t2"), true), session.streams().get(0));
    }

    @Test
    void aFailingPublisherEndsItsStreamAndFailsTheTurnOnceTheHandlerIsDone() {
        TestSession session = TestSession.of("s1");
        Multi<String> failing = Multi.createFrom().emitter(e -> {
            e.emit("partial");
            e.fail(new IOException("model down"));
        });

        TurnFailedException e = assertThrows(TurnFailedException.class, () -> session.send((s, m) -> {
            s.data().put("changed", true);
            s.streamReplyFrom(failing);
            s.reply("the handler goes on, as in the runtime");
        }, "go"));

        assertInstanceOf(IOException.class, e.getCause());
        assertEquals(List.of(new Chunk(0, "partial"), new StreamEnd(0), new Reply("the handler goes on, as in the runtime")),
                e.events());
        assertTrue(session.streams().get(0).ended());
        assertFalse(session.data().has("changed"));
    }

    @Test
    void aPublisherThatNeverCompletesFailsTheTurnWithinTheTimeout() {
        TestSession session = TestSession.of("s1").timeout(Duration.ofMillis(200));

        TurnFailedException e = assertThrows(TurnFailedException.class,
                () -> session.send((s, m) -> s.streamReplyFrom(Multi.createFrom().nothing()), "go"));

        assertInstanceOf(TimeoutException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("streamReplyFrom did not complete within PT0.2S"), e.getCause().getMessage());
        assertEquals(List.of(new StreamEnd(0)), e.events());
    }

    @Test
    void aStreamLeftOpenFailsTheTurnAndCannotBeWrittenAfterIt() {
        TestSession session = TestSession.of("s1").timeout(Duration.ofMillis(100));
        AtomicReference<ReplyStream> open = new AtomicReference<>();

        TurnFailedException e = assertThrows(TurnFailedException.class, () -> session.send((s, m) -> {
            open.set(s.streamReply());
            open.get().write("a");
        }, "go"));

        assertTrue(e.getCause().getMessage().contains("still open"), e.getCause().getMessage());
        assertFalse(session.streams().get(0).ended());
        assertThrows(IllegalStateException.class, () -> open.get().write("b"));
        open.get().end();
        assertEquals(List.of(new Chunk(0, "a")), session.events()); // the runtime sends nothing for it after the turn
    }

    @Test
    void theTurnWaitsForAStreamAThreadOfTheHandlerEnds() {
        TestSession session = TestSession.of("s1");
        CountDownLatch handlerDone = new CountDownLatch(1);
        CapsuleApp app = (s, m) -> {
            ReplyStream stream = s.streamReply();
            Thread.ofVirtual().start(() -> {
                // Writes only once the handler's body has run to its end: the turn must still wait for it.
                awaitUninterruptibly(handlerDone);
                stream.write("late");
                stream.end();
            });
            handlerDone.countDown();
        };

        assertEquals(List.of(new Chunk(0, "late"), new StreamEnd(0)), session.send(app, "go"));
    }

    @Test
    void anEndedStreamTakesNoMoreWritesAndEndsOnlyOnce() {
        TestSession session = TestSession.of("s1");

        session.send((s, m) -> {
            ReplyStream stream = s.streamReply();
            stream.write("one");
            stream.end();
            stream.end();
            assertThrows(IllegalStateException.class, () -> stream.write("two"));
            try (ReplyStream empty = s.streamReply()) {
                assertThrows(IllegalArgumentException.class, () -> empty.write(null));
            }
        }, "go");

        assertEquals(List.of(new Chunk(0, "one"), new StreamEnd(0), new StreamEnd(1)), session.events());
        assertEquals("one", session.streams().get(0).text());
    }

    @Test
    void streamsAreNumberedAcrossTheSessionsTurns() {
        TestSession session = TestSession.of("s1");
        CapsuleApp app = (s, m) -> {
            try (ReplyStream stream = s.streamReply()) {
                stream.write(m.text());
            }
        };

        session.send(app, "first");
        assertEquals(List.of(new Chunk(1, "second"), new StreamEnd(1)), session.send(app, "second"));
        assertEquals(List.of("first", "second"), session.streams().stream().map(RecordedStream::text).toList());
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
