package dev.capsule.bench.chaos;

/**
 * One message of the chaos load and what became of it. A message is sent until the gateway
 * accepts it (its 200), always under the same {@code Idempotency-Key}, so that a send whose
 * answer was lost cannot make it twice; the history decides at the end whether it was answered.
 */
final class ChaosMessage {

    /** What the message asks the demo app for. */
    enum Kind {
        /** Answered {@code #N: text}: the turn number proves each turn ran once, in order. */
        PLAIN,
        /** {@code /stream <words> 200}: a streamed answer of a few hundred ms, so that a fault often lands mid-turn. */
        STREAM,
        /** {@code /remember <note>}: a write to the owner's collection, which must be made exactly once. */
        NOTE
    }

    final int position;
    final Kind kind;
    final String text;
    final String key;
    /** When it was first sent, and when the gateway accepted it (System.nanoTime(); 0 = not yet). */
    volatile long firstSentAt;
    volatile long acceptedAt;
    /** When its turn's end came live (0 = not live: the history decides). */
    volatile long endedAt;
    volatile int attempts;
    /** A send failed without an answer (the connection dropped, a timeout): it may have been published all the same. */
    volatile boolean inDoubt;
    /** Its turn ended as {@code turn.failed}: answered with an apology, its data changes dropped (the next turn has its number). */
    volatile boolean failed;
    /** The gateway refused it for good (a 4xx other than 429): a fault in the stack or in this load. */
    volatile int refusedWith;

    ChaosMessage(int position, Kind kind, String text, String key) {
        this.position = position;
        this.kind = kind;
        this.text = text;
        this.key = key;
    }

    boolean accepted() {
        return acceptedAt != 0;
    }
}
