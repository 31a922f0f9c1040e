package dev.capsule.bench.capsule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.bench.load.OpenLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The open loop on the drivers' event loop: every message once, in order, on the loop, never before it is due. */
class LoopSendsTest {

    private final GatewayConnections connections = new GatewayConnections(1);

    @AfterEach
    void close() throws Exception {
        connections.close();
    }

    @Test
    void eachMessageIsSentOnceInOrderOnTheEventLoopAndNotBeforeItIsDue() throws Exception {
        int count = 500;
        double rate = 2_000;
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        List<Integer> sent = new ArrayList<>();
        List<Long> early = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        connections.openLoop(start, rate, count, Duration.ofSeconds(10), (i, due) -> {
            long now = System.nanoTime();
            sent.add(i);
            threads.add(Thread.currentThread());
            if (due != start + (long) (i * 1e9 / rate)) {
                throw new AssertionError("message " + i + " came with the wrong due time");
            }
            if (now < due) {
                early.add(due - now);
            }
        });
        assertEquals(count, sent.size(), "every message sent once");
        for (int i = 0; i < count; i++) {
            assertEquals(i, sent.get(i), "in order");
        }
        assertTrue(early.isEmpty(), "no message left before its due time: " + early);
        Thread loop = threads.get(0);
        assertTrue(loop.getName().startsWith("vert.x-eventloop-thread"), "sent on the event loop, not " + loop.getName());
        threads.forEach(t -> assertSame(loop, t, "all on the one event loop"));
        assertTrue(System.nanoTime() >= OpenLoop.end(start, rate, count) - (long) (1e9 / rate),
                "the open loop returned only after its last message was due");
    }

    @Test
    void aSendThatThrowsEndsTheLoopWithItsError() {
        assertTheLoopEndsWith(new IllegalArgumentException("message 3 cannot go"));
    }

    @Test
    void anErrorInASendEndsTheLoopWithItToo() {
        assertTheLoopEndsWith(new AssertionError("message 3 is wrong"));
    }

    /** Message 3's send throws {@code thrown}: the open loop ends with it at once, not with a timeout after its slack. */
    private void assertTheLoopEndsWith(Throwable thrown) {
        IllegalStateException failed = assertThrows(IllegalStateException.class, () ->
                connections.openLoop(System.nanoTime(), 10_000, 100, Duration.ofSeconds(10), (i, due) -> {
                    if (i == 3) {
                        if (thrown instanceof Error error) {
                            throw error;
                        }
                        throw (RuntimeException) thrown;
                    }
                }));
        assertTrue(failed.getMessage().contains(thrown.getMessage()), "the send's own failure: " + failed.getMessage());
        assertSame(thrown, failed.getCause());
    }
}
