package dev.capsule.bench.baseline;

import dev.capsule.bench.measure.Latency;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/** What came back of one baseline step: each message's latency from its due time, and the zero counts. */
final class Tracker {

    final int step;
    final Latency latency = new Latency();
    final AtomicLong received = new AtomicLong();
    final AtomicLong receivedInWindow = new AtomicLong();
    final AtomicLong duplicated = new AtomicLong();
    final AtomicLong outOfOrder = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final long windowEnd;
    private final AtomicLongArray due;
    private final AtomicIntegerArray seen;
    private final int[] sessionOf;
    /** Only the collector thread writes this: the last message index seen per session key. */
    private final int[] lastOfSession;

    Tracker(int step, int[] sessionOf, int sessions, long windowEnd) {
        this.step = step;
        this.sessionOf = sessionOf;
        this.due = new AtomicLongArray(sessionOf.length);
        this.seen = new AtomicIntegerArray(sessionOf.length);
        this.lastOfSession = new int[sessions];
        java.util.Arrays.fill(lastOfSession, -1);
        this.windowEnd = windowEnd;
    }

    void sending(int index, long dueNanos) {
        due.set(index, dueNanos);
    }

    /** Called by the collector thread only. */
    void arrived(int index, long now) {
        if (index < 0 || index >= sessionOf.length) {
            outOfOrder.incrementAndGet();
            return;
        }
        if (seen.incrementAndGet(index) > 1) {
            duplicated.incrementAndGet();
            return;
        }
        latency.recordNanos(now - due.get(index));
        received.incrementAndGet();
        if (now <= windowEnd) {
            receivedInWindow.incrementAndGet();
        }
        int session = sessionOf[index];
        if (index < lastOfSession[session]) {
            outOfOrder.incrementAndGet();
        }
        lastOfSession[session] = Math.max(lastOfSession[session], index);
    }

    /** Unanswered messages, each recorded with at least the time it has waited; returns how many. */
    long recordUnanswered(long now) {
        long n = 0;
        for (int i = 0; i < sessionOf.length; i++) {
            if (seen.get(i) == 0) {
                n++;
                latency.recordNanos(now - due.get(i));
            }
        }
        return n;
    }
}
