package dev.capsule.persistence;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.events.CapsuleEvent;
import dev.capsule.events.EventCodec;
import dev.capsule.events.Topics;
import dev.capsule.testing.TestStack;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes records to the real broker as the other services do (keyed by session id), and
 * tells when persistence-service has folded them: its consumer group commits an offset only
 * after the fold of that record, and of every record before it in the partition, is done.
 * That is what lets a test assert that something was <em>not</em> kept without sleeping.
 */
final class EventLog implements AutoCloseable {

    /** The consumer group of persistence-service, as in application.properties. */
    private static final String GROUP = "persistence-service";

    private final KafkaProducer<String, byte[]> producer;
    private final Admin admin;
    private final List<RecordMetadata> sent = new ArrayList<>();

    EventLog() {
        String servers = TestStack.kafka().bootstrapServers();
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers));
    }

    /** Publishes an event on {@code topic}, keyed by its session id, with its type header as every Capsule producer sets it. */
    RecordMetadata publish(String topic, CapsuleEvent event) {
        return publish(topic, event.sessionId(), EventCodec.encode(event), event.type());
    }

    /** Publishes raw bytes under a type header, true or not. */
    RecordMetadata publish(String topic, String key, byte[] value, String type) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
        record.headers().add(Topics.TYPE_HEADER, type.getBytes(StandardCharsets.UTF_8));
        return send(topic, record);
    }

    /**
     * Publishes every record without waiting for one before sending the next, so that they reach
     * persistence-service as it would meet them under load: many in one polled batch.
     */
    void publishBurst(String topic, List<Map.Entry<String, byte[]>> keyedValues) {
        List<Future<RecordMetadata>> acks = keyedValues.stream()
                .map(kv -> producer.send(new ProducerRecord<>(topic, kv.getKey(), kv.getValue()))).toList();
        for (Future<RecordMetadata> ack : acks) {
            try {
                sent.add(ack.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while publishing to " + topic, e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("cannot publish to " + topic, e.getCause());
            }
        }
    }

    /** Publishes raw bytes, e.g. the same event a second time, or a record no reader understands. */
    RecordMetadata publish(String topic, String key, byte[] value) {
        return send(topic, new ProducerRecord<>(topic, key, value));
    }

    private RecordMetadata send(String topic, ProducerRecord<String, byte[]> record) {
        try {
            RecordMetadata metadata = producer.send(record).get();
            sent.add(metadata);
            return metadata;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing to " + topic, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot publish to " + topic, e.getCause());
        }
    }

    /** Waits until persistence-service has folded (or dead-lettered) every record this log published. */
    void awaitAllFolded() {
        List<RecordMetadata> pending = List.copyOf(sent);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get();
            for (RecordMetadata record : pending) {
                OffsetAndMetadata offset = committed.get(new TopicPartition(record.topic(), record.partition()));
                assertTrue(offset != null && offset.offset() > record.offset(),
                        "persistence-service has not yet folded " + record + " (committed: " + offset + ")");
            }
        });
    }

    /**
     * Every record on the dead-letter topic keyed by {@code session}, read from the beginning to
     * the current end with a consumer of its own group. Call after {@link #awaitAllFolded()}:
     * a record is dead-lettered before its offset is committed.
     */
    List<ConsumerRecord<String, byte[]>> deadLettersOf(String session) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestStack.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "persistence-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.DEAD_LETTER).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (session.equals(r.key())) {
                        found.add(r);
                    }
                }
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
            });
            return found;
        }
    }

    @Override
    public void close() {
        producer.close();
        admin.close();
    }
}
