package dev.capsule.persistence.fold;

import dev.capsule.events.CapsuleEvent;
import dev.capsule.events.EventCodec;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * The three event streams persistence-service folds. Each record is folded before the next
 * of its channel. An unreadable record goes to the dead-letter topic with the reason; a
 * failing database is retried, holding the stream back, because a good event set aside
 * would be missing from the history for good. Each fold commits together with the
 * partition's fold position, which readers wait on to see their own writes.
 */
@ApplicationScoped
public class EventConsumers {

    private static final Logger LOG = Logger.getLogger(EventConsumers.class);

    private static final String POSITION = """
            INSERT INTO fold_positions (topic, partition, next_offset) VALUES ($1, $2, $3)
            ON CONFLICT (topic, partition) DO UPDATE SET next_offset = GREATEST(fold_positions.next_offset, EXCLUDED.next_offset)""";

    private final EventFolds folds;
    private final Pool pool;

    EventConsumers(EventFolds folds, Pool pool) {
        this.folds = folds;
        this.pool = pool;
    }

    @Incoming("inbound")
    public Uni<Void> inbound(ConsumerRecord<String, byte[]> record) {
        return fold(record);
    }

    @Incoming("outbound")
    public Uni<Void> outbound(ConsumerRecord<String, byte[]> record) {
        return fold(record);
    }

    @Incoming("changes")
    public Uni<Void> changes(ConsumerRecord<String, byte[]> record) {
        return fold(record);
    }

    private Uni<Void> fold(ConsumerRecord<String, byte[]> record) {
        CapsuleEvent event = EventCodec.decode(record.value());
        return pool.withTransaction(tx -> folds.fold(tx, event)
                        .chain(() -> tx.preparedQuery(POSITION)
                                .execute(Tuple.of(record.topic(), record.partition(), record.offset() + 1)))
                        .replaceWithVoid())
                .onFailure().invoke(e -> LOG.warnf("folding %s %s of session %s failed, retrying: %s",
                        event.type(), event.eventId(), event.sessionId(), e.getMessage()))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).indefinitely();
    }
}
