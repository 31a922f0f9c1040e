package dev.capsule.adapters.outbound;

import dev.capsule.kafka.ClientMetrics;
import dev.capsule.kafka.DeadLetter;
import dev.capsule.kafka.KafkaConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Puts an outbound record that could not be delivered on {@code capsule.deadletter}
 * ({@link DeadLetter}), with the channel it was for in {@code capsule-channel}.
 */
@ApplicationScoped
public class DeadLetters {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    private final KafkaProducer<String, byte[]> producer;
    private final KafkaClientMetrics metrics;

    DeadLetters(KafkaConnection kafka, MeterRegistry registry,
                @ConfigProperty(name = "quarkus.application.name") String application) {
        this.producer = DeadLetter.producer(kafka, application + "-deadletter");
        this.metrics = ClientMetrics.bind(producer, registry);
    }

    /**
     * Writes the record with its reason and waits until Kafka has it; tries until it does,
     * because the record's offset is committed only after: a dead letter is never lost.
     */
    public void send(ConsumerRecord<String, byte[]> record, String channel, String reason) {
        ProducerRecord<String, byte[]> letter = DeadLetter.of(record, reason);
        DeadLetter.header(letter, "capsule-channel", channel);
        Duration wait = Duration.ofMillis(500);
        while (true) {
            try {
                producer.send(letter).get(30, TimeUnit.SECONDS);
                LOG.warnf("dead-lettered %s-%d@%d (%s): %s", record.topic(), record.partition(), record.offset(), channel, reason);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while dead-lettering; the record stays uncommitted", e);
            } catch (ExecutionException | TimeoutException e) {
                LOG.errorf("cannot dead-letter %s-%d@%d yet (%s); trying again", record.topic(), record.partition(),
                        record.offset(), e.getMessage());
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while dead-lettering; the record stays uncommitted", ie);
                }
                wait = wait.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : wait.multipliedBy(2);
            }
        }
    }

    @PreDestroy
    void close() {
        metrics.close();
        producer.close(Duration.ofSeconds(5));
    }
}
