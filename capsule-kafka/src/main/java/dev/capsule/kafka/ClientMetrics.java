package dev.capsule.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * The metrics of a Kafka client built by hand (not by the messaging connector, which binds its own): consumer lag per
 * partition, fetch and send rates, errors, retries, request latency, in the service's registry. Close what this
 * answers with the client.
 */
public final class ClientMetrics {

    private ClientMetrics() {
    }

    public static KafkaClientMetrics bind(Consumer<?, ?> consumer, MeterRegistry registry) {
        KafkaClientMetrics metrics = new KafkaClientMetrics(consumer);
        metrics.bindTo(registry);
        return metrics;
    }

    public static KafkaClientMetrics bind(Producer<?, ?> producer, MeterRegistry registry) {
        KafkaClientMetrics metrics = new KafkaClientMetrics(producer);
        metrics.bindTo(registry);
        return metrics;
    }
}
