package dev.capsule.bench.capsule;

import dev.capsule.bench.measure.Latency;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** The figures one Capsule step collects while it runs, from every driver thread. */
final class StepMetrics {

    final Latency firstReply = new Latency();
    final Latency firstReplyHttp = new Latency();
    final Latency firstReplyWs = new Latency();
    /** A session's first message, which opens it (a welcome, a claim, a first state): where a new session's cost shows. */
    final Latency firstReplyOpening = new Latency();
    final Latency firstReplyLater = new Latency();
    final Latency turnEnd = new Latency();
    final Latency firstChunk = new Latency();
    final Latency chunkGap = new Latency();
    final Latency persistenceLag = new Latency();

    final AtomicLong answered = new AtomicLong();
    /** Answers that came while the open loop was still sending: the steady-state throughput. */
    final AtomicLong answeredInWindow = new AtomicLong();
    volatile long windowEndNanos = Long.MAX_VALUE;
    final AtomicLong duplicated = new AtomicLong();
    final AtomicLong outOfOrder = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final AtomicLong probesUnseen = new AtomicLong();
    final AtomicLong probesSkipped = new AtomicLong();
    /** The first error's description, printed once, so that a refused run says why. */
    final AtomicReference<String> firstError = new AtomicReference<>();
    /** The first few anomalies described, so that a non-zero count comes with its evidence. */
    final List<String> anomalies = new CopyOnWriteArrayList<>();

    void firstReply(Transport transport, SentMessage m, long nanos) {
        firstReply.recordNanos(nanos);
        (transport.http() ? firstReplyHttp : firstReplyWs).recordNanos(nanos);
        (m.planned.position() == 1 ? firstReplyOpening : firstReplyLater).recordNanos(nanos);
    }

    void answered(long atNanos) {
        answered.incrementAndGet();
        if (atNanos <= windowEndNanos) {
            answeredInWindow.incrementAndGet();
        }
    }

    void duplicated(String what) {
        duplicated.incrementAndGet();
        note("duplicated: " + what);
    }

    void outOfOrder(String what) {
        outOfOrder.incrementAndGet();
        note("out of order: " + what);
    }

    private void note(String what) {
        if (anomalies.size() < 5) {
            anomalies.add(what);
        }
    }

    void error(String why) {
        errors.incrementAndGet();
        firstError.compareAndSet(null, why);
    }
}
