package dev.capsule.persistence.fold;

import dev.capsule.events.Topics;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Sets unreadable records aside on the dead-letter topic, key and bytes unchanged, with where
 * they came from and why in headers (the header names of SmallRye's dead-letter queue, so one
 * tool reads every service's dead letters). Explicit rather than SmallRye's failure strategy
 * because the folds take records in batches, and one bad record must not carry its good
 * neighbours away with it.
 */
@ApplicationScoped
public class DeadLetters {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    private final KafkaProducer<String, byte[]> producer;

    DeadLetters(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.CLIENT_ID_CONFIG, "persistence-service-dead-letters",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                // Never hold the fold's thread for Kafka's default 60 s: fail, and the letter is tried again.
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 3000),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** Completes once Kafka has {@code record} on the dead-letter topic. */
    public Uni<Void> setAside(ConsumerRecord<String, byte[]> record, String reason) {
        LOG.warnf("setting aside unreadable record %s-%d@%d on %s: %s", record.topic(), record.partition(),
                record.offset(), Topics.DEAD_LETTER, reason);
        ProducerRecord<String, byte[]> letter = new ProducerRecord<>(Topics.DEAD_LETTER, record.key(), record.value());
        record.headers().forEach(h -> letter.headers().add(h));
        header(letter, "dead-letter-reason", reason);
        header(letter, "dead-letter-topic", record.topic());
        header(letter, "dead-letter-partition", Integer.toString(record.partition()));
        header(letter, "dead-letter-offset", Long.toString(record.offset()));
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

    private static void header(ProducerRecord<String, byte[]> letter, String name, String value) {
        letter.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    void close(@Observes ShutdownEvent ignored) {
        producer.close();
    }
}
