package dev.capsule.persistence.fold;

import dev.capsule.events.EventCodec;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The three event streams persistence-service folds. Each record is folded before the next
 * of its channel; an unreadable record goes to the dead-letter topic with the reason.
 */
@ApplicationScoped
public class EventConsumers {

    private final EventFolds folds;

    EventConsumers(EventFolds folds) {
        this.folds = folds;
    }

    @Incoming("inbound")
    public Uni<Void> inbound(byte[] record) {
        return folds.fold(EventCodec.decode(record));
    }

    @Incoming("outbound")
    public Uni<Void> outbound(byte[] record) {
        return folds.fold(EventCodec.decode(record));
    }

    @Incoming("changes")
    public Uni<Void> changes(byte[] record) {
        return folds.fold(EventCodec.decode(record));
    }
}
