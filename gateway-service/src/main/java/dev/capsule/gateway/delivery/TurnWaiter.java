package dev.capsule.gateway.delivery;

import dev.capsule.events.OutboundEvent;
import dev.capsule.events.TurnEnded;
import dev.capsule.events.TurnFailed;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;

/**
 * The events of one turn, for the HTTP request that waits for them: buffered until the
 * request reads them, ending after the turn's last event. Events seen before (a replay) are
 * dropped by their seq.
 */
public final class TurnWaiter {

    private final UnicastProcessor<OutboundEvent> events = UnicastProcessor.create();
    private long lastSeq;
    private boolean done;

    synchronized void accept(OutboundEvent event) {
        if (done || event.seq() <= lastSeq) {
            return;
        }
        lastSeq = event.seq();
        events.onNext(event);
        if (event instanceof TurnEnded || event instanceof TurnFailed) {
            done = true;
            events.onComplete();
        }
    }

    /** The turn's events, in order, completing after the last one. */
    public Multi<OutboundEvent> events() {
        return events;
    }
}
