package dev.capsule.bench.capsule;

import dev.capsule.bench.load.MessageKind;
import dev.capsule.bench.load.Planned;

/**
 * One message of a step and what has come back for it so far. The fields below {@code due} are
 * written under the lock of the session's {@link SessionLedger}, which alone updates them.
 */
final class SentMessage {

    final SessionLedger session;
    final Planned planned;
    /** Sampled for the persistence lag: its history is polled until it shows up. */
    final boolean probe;
    /** When the open loop meant to send it (System.nanoTime()): every latency counts from here. */
    volatile long due;
    /** HTTP: the gateway answered 200, so Kafka has it. */
    volatile boolean accepted;

    String turnId;
    long firstEventAt;
    long lastChunkAt;
    int chunks;
    final StringBuilder streamed = new StringBuilder();
    /** A streamed answer's end came, not cancelled, with the text its chunks add up to (and, for a long stream, every word). */
    boolean whole;
    int notifies;
    long endedAt;
    boolean released;
    /** HTTP only: the gateway refused it (a status other than 200); no turn will come for it. */
    boolean refused;
    long minSeq = Long.MAX_VALUE;
    long maxSeq;
    int events;

    SentMessage(SessionLedger session, Planned planned, boolean probe) {
        this.session = session;
        this.planned = planned;
        this.probe = probe;
    }

    MessageKind kind() {
        return planned.kind();
    }

    String text() {
        return planned.text();
    }

    /** The reply the demo app gives this message as turn {@code turn} of its session. */
    String expectedReply(int turn) {
        return "#" + turn + ": " + (kind() == MessageKind.NOTIFY ? "done looking" : text());
    }
}
