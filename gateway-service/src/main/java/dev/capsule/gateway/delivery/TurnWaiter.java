package dev.capsule.gateway.delivery;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;

/**
 * The events of one turn, for the HTTP request that waits for them: buffered until the
 * request reads them, ending after the turn's last event. Events seen before (a replay) are
 * dropped by their seq.
 */
public final class TurnWaiter {

    private final UnicastProcessor<OutboundFrame> events = UnicastProcessor.create();
    private long lastSeq;
    private boolean done;

    synchronized void accept(OutboundFrame event) {
        if (done || event.seq() <= lastSeq) {
            return;
        }
        lastSeq = event.seq();
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

    /** The turn's events, in order, completing after the last one. */
    public Multi<OutboundFrame> events() {
        return events;
    }
}
