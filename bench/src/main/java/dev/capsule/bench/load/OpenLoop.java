package dev.capsule.bench.load;

import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop arrivals: message i is due at {@code start + i / rate}, whatever happened to the
 * messages before it. The loop never waits for an answer, so a slow system cannot slow the
 * arrivals down and hide its queue; every latency is measured from the due time, so a send that
 * leaves late (a busy generator) counts against the result too, never for it.
 */
public final class OpenLoop {

    /** Sends message {@code index}, due at {@code dueNanos} (System.nanoTime()). Must not block. */
    @FunctionalInterface
    public interface Send {
        void send(int index, long dueNanos);
    }

    private OpenLoop() {
    }

    /** Calls {@code send} for each of {@code count} messages at its due time; returns when the last has been sent. */
    public static void run(long startNanos, double ratePerSecond, int count, Send send) {
        for (int i = 0; i < count; i++) {
            long due = due(startNanos, ratePerSecond, i);
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            send.send(i, due);
        }
    }

    /** When message {@code index} is due (System.nanoTime()), the open loop sending from {@code startNanos}. */
    public static long due(long startNanos, double ratePerSecond, int index) {
        return startNanos + (long) (index * (1e9 / ratePerSecond));
    }

    /** When {@code count} messages at {@code ratePerSecond} would have been sent, from {@code startNanos}. */
    public static long end(long startNanos, double ratePerSecond, int count) {
        return startNanos + (long) (count * 1e9 / ratePerSecond);
    }
}
