package dev.capsule.kafka;

import dev.capsule.events.CapsuleEvent;
import dev.capsule.events.EventCodec;
import dev.capsule.events.OutboundEvent;
import dev.capsule.events.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes contract events, keyed by session id, with their type and trace in headers. Sends leave in call order and the
 * idempotent producer keeps that order per partition, so one session's events arrive in the
 * order its handler made them. A plain producer (not an emitter) because a stream's chunks
 * must leave at once, each send eager, and the turn waits for every acknowledgement.
 */
public final class EventPublisher implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private KafkaClientMetrics metrics;

    public EventPublisher(KafkaConnection connection, String clientId) {
        this(connection, clientId, 1);
    }

    /**
     * {@code lingerMs}: how long a send may wait for others to share its request. Each request
     * costs the broker and both clients CPU, so under load a few milliseconds more buy fewer,
     * fuller requests; at idle they are added to every event's latency.
     */
    public EventPublisher(KafkaConnection connection, String clientId, int lingerMs) {
        this.producer = new KafkaProducer<>(connection.with(Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, clientId,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, lingerMs,
                // A send blocks its caller only while it waits for the topic's metadata or buffer space:
                // with Kafka gone, fail it after 3 s (the caller answers 503) rather than Kafka's 60 s,
                // which would freeze an event-loop thread that serves many users.
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 3000)),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** Sends {@code event} to {@code topic}; the future completes when Kafka has it. */
    public CompletableFuture<Void> publish(String topic, CapsuleEvent event) {
        return publishAt(topic, event).thenApply(written -> null);
    }

    /**
     * Sends {@code event} to {@code topic} as {@code encoded}, its {@link EventCodec#encode} that the caller made and
     * keeps for another use (session-service stores a turn's {@code StateChanged} in Redis too: one encoding, not two).
     */
    public CompletableFuture<Void> publish(String topic, CapsuleEvent event, byte[] encoded) {
        return publishAt(topic, event, encoded).thenApply(written -> null);
    }

    /** Sends {@code event} to {@code topic}; the future completes with where Kafka wrote it. */
    public CompletableFuture<RecordMetadata> publishAt(String topic, CapsuleEvent event) {
        return publishAt(topic, event, EventCodec.encode(event));
    }

    private CompletableFuture<RecordMetadata> publishAt(String topic, CapsuleEvent event, byte[] encoded) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, event.sessionId(), encoded);
        record.headers().add(Topics.TYPE_HEADER, event.type().getBytes(StandardCharsets.UTF_8));
        if (event instanceof OutboundEvent outbound) {
            record.headers().add(Topics.SEQ_HEADER, Long.toString(outbound.seq()).getBytes(StandardCharsets.US_ASCII));
            record.headers().add(Topics.IN_REPLY_TO_HEADER, outbound.inReplyTo().getBytes(StandardCharsets.UTF_8));
        }
        if (event.trace() != null && event.trace().traceparent() != null) {
            // The W3C headers a consumer's span continues the message's trace from (vendors' state included).
            record.headers().add("traceparent", event.trace().traceparent().getBytes(StandardCharsets.UTF_8));
            if (event.trace().tracestate() != null && !event.trace().tracestate().isEmpty()) {
                record.headers().add("tracestate", event.trace().tracestate().getBytes(StandardCharsets.UTF_8));
            }
        }
        return sent(record);
    }

    /** Sends a record made elsewhere (a dead letter, say) with the same producer; the future completes when Kafka has it. */
    public CompletableFuture<Void> send(ProducerRecord<String, byte[]> record) {
        return sent(record).thenApply(written -> null);
    }

    private CompletableFuture<RecordMetadata> sent(ProducerRecord<String, byte[]> record) {
        CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
        producer.send(record, (metadata, error) -> {
            if (error == null) {
                acked.complete(metadata);
            } else {
                acked.completeExceptionally(error);
            }
        });
        return acked;
    }

    /**
     * Publishes the producer's own metrics (send rates, errors, retries, batch sizes, request latency) in
     * {@code registry}, tagged with its client id: it is built by hand, so no framework binds it.
     */
    public void bindMetrics(MeterRegistry registry) {
        metrics = ClientMetrics.bind(producer, registry);
    }

    @Override
    public void close() {
        if (metrics != null) {
            metrics.close();
        }
        producer.close();
    }
}
