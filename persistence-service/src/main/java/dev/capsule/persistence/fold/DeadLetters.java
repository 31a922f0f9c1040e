package dev.capsule.persistence.fold;

import dev.capsule.events.Topics;
import dev.capsule.kafka.ClientMetrics;
import dev.capsule.kafka.DeadLetter;
import dev.capsule.kafka.KafkaConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

/**
 * Sets records that cannot be folded aside on the dead-letter topic ({@link DeadLetter}).
 * Explicit rather than SmallRye's failure strategy because the folds take records in batches,
 * and one bad record must not carry its good neighbours away with it.
 */
// At start-up, so that its producer's metrics (its errors among them) are on /q/metrics before a first dead letter.
@Startup
@ApplicationScoped
public class DeadLetters {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    private final KafkaProducer<String, byte[]> producer;
    private final KafkaClientMetrics metrics;

    DeadLetters(KafkaConnection kafka, MeterRegistry registry) {
        this.producer = DeadLetter.producer(kafka, "persistence-service-dead-letters");
        this.metrics = ClientMetrics.bind(producer, registry);
    }

    /** Completes once Kafka has {@code record} on the dead-letter topic. */
    public Uni<Void> setAside(ConsumerRecord<String, byte[]> record, String reason) {
        LOG.warnf("setting aside record %s-%d@%d on %s: %s", record.topic(), record.partition(),
                record.offset(), Topics.DEAD_LETTER, reason);
        ProducerRecord<String, byte[]> letter = DeadLetter.of(record, reason);
        // Each letter is retried on its own, so that letters already written are not written again.
        return Uni.createFrom().<Void>emitter(e -> producer.send(letter, (written, error) -> {
                    if (error == null) {
                        e.complete(null);
                    } else {
                        e.fail(error);
                    }
                }))
                .onFailure().invoke(error -> LOG.warnf("dead-lettering %s-%d@%d failed, retrying: %s", record.topic(),
                        record.partition(), record.offset(), error.getMessage()))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).indefinitely();
    }

    void close(@Observes ShutdownEvent ignored) {
        metrics.close();
        producer.close();
    }
}
