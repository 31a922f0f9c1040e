package dev.capsule.gateway.delivery;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The events of one turn, for the HTTP request that waits for them: buffered until the
 * request reads them, ending after the turn's last event. Events seen before (a replay) are
 * dropped by their seq.
 */
public final class TurnWaiter {

    private final UnicastProcessor<OutboundFrame> events = UnicastProcessor.create();
    private long lastSeq;
    private boolean done;
    /** The clock in nanoseconds ({@link System#nanoTime} but in tests). */
    private final LongSupplier clock;
    /** When the wait began or last heard an event of its turn, by {@link #clock}. */
    private long lastHeard;

    TurnWaiter(LongSupplier clock) {
        this.clock = clock;
        this.lastHeard = clock.getAsLong();
    }

    synchronized void accept(OutboundFrame event) {
        if (done || event.seq() <= lastSeq) {
            return;
        }
        lastSeq = event.seq();
        lastHeard = clock.getAsLong();
        events.onNext(event);
        if (event.endsTurn()) {
            done = true;
            events.onComplete();
        }
    }

    /** The same message was sent again on another request, which takes these events over: this one ends here. */
    synchronized void superseded() {
        if (!done) {
            done = true;
            events.onComplete();
        }
    }

    /**
     * Ends the wait with {@link Silent} if its turn has sent nothing for {@code silence} as of {@code now}
     * (by the clock the waits were made with); answers whether it did.
     */
    synchronized boolean endIfSilent(long now, Duration silence) {
        if (done || now - lastHeard < silence.toNanos()) {
            return false;
        }
        done = true;
        events.onError(new Silent(silence));
        return true;
    }

    /** The turn's events, in order, completing after the last one, or failing with {@link Silent}. */
    public Multi<OutboundFrame> events() {
        return events;
    }

    /** The turn sent nothing for the gateway's turn timeout: its events will still reach the history. */
    public static final class Silent extends RuntimeException {

        Silent(Duration silence) {
            super("the turn sent nothing for " + silence, null, false, false);
        }
    }
}
