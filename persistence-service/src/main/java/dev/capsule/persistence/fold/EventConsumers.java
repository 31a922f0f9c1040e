package dev.capsule.persistence.fold;

import dev.capsule.events.CapsuleEvent;
import dev.capsule.events.EventCodec;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * The three event streams persistence-service folds. Each record is folded before the next
 * of its channel. An unreadable record goes to the dead-letter topic with the reason; a
 * failing database is retried, holding the stream back, because a good event set aside
 * would be missing from the history for good.
 */
@ApplicationScoped
public class EventConsumers {

    private static final Logger LOG = Logger.getLogger(EventConsumers.class);

    private final EventFolds folds;

    EventConsumers(EventFolds folds) {
        this.folds = folds;
    }

    @Incoming("inbound")
    public Uni<Void> inbound(byte[] record) {
        return fold(EventCodec.decode(record));
    }

    @Incoming("outbound")
    public Uni<Void> outbound(byte[] record) {
        return fold(EventCodec.decode(record));
    }

    @Incoming("changes")
    public Uni<Void> changes(byte[] record) {
        return fold(EventCodec.decode(record));
    }

    private Uni<Void> fold(CapsuleEvent event) {
        return folds.fold(event)
                .onFailure().invoke(e -> LOG.warnf("folding %s %s of session %s failed, retrying: %s",
                        event.type(), event.eventId(), event.sessionId(), e.getMessage()))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).indefinitely();
    }
}
