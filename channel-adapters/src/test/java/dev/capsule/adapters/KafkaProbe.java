package dev.capsule.adapters;

import dev.capsule.events.CapsuleEvent;
import dev.capsule.events.EventCodec;
import dev.capsule.events.InboundMessage;
import dev.capsule.events.OutboundEvent;
import dev.capsule.events.Topics;
import dev.capsule.kafka.EventPublisher;
import dev.capsule.kafka.KafkaConnection;
import dev.capsule.testing.TestStack;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Watches the inbound and dead-letter topics from their ends as of its start, and plays
 * session-service (see {@link FakeTurns}): what a test needs to prove what the adapters
 * published, and to feed them replies.
 */
public final class KafkaProbe implements AutoCloseable {

    /** A dead-lettered record: its session key, its reason, its event (null when it is not one). */
    public record DeadLetter(String key, String reason, String channel, CapsuleEvent event) {
    }

    private static KafkaProbe instance;

    private final List<InboundMessage> inbound = new CopyOnWriteArrayList<>();
    private final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();
    private final KafkaConsumer<String, byte[]> consumer;
    private final EventPublisher publisher;
    private final Thread thread;
    private final java.util.concurrent.ScheduledExecutorService scheduler =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("fake-turns").unstarted(r));
    private volatile boolean running = true;

    public static synchronized KafkaProbe get() {
        if (instance == null) {
            instance = new KafkaProbe(TestStack.kafka().bootstrapServers());
        }
        return instance;
    }

    private KafkaProbe(String bootstrap) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new java.util.ArrayList<>();
        for (String topic : List.of(Topics.INBOUND, Topics.DEAD_LETTER)) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        publisher = new EventPublisher(KafkaConnection.to(bootstrap), "adapters-test-probe");
        thread = Thread.ofPlatform().name("kafka-probe").daemon().start(this::loop);
    }

    private void loop() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.topic().equals(Topics.INBOUND)) {
                        InboundMessage m = EventCodec.decode(r.value(), InboundMessage.class);
                        inbound.add(m);
                        FakeTurns.answer(m, publisher, scheduler);
                    } else {
                        deadLetters.add(new DeadLetter(r.key(), header(r, "dead-letter-reason"), header(r, "capsule-channel"),
                                eventOrNull(r.value())));
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        }
    }

    private static CapsuleEvent eventOrNull(byte[] value) {
        try {
            return EventCodec.decode(value);
        } catch (RuntimeException e) {
            return null; // an unreadable record, dead-lettered as it was
        }
    }

    /** Publishes {@code value} as it is, keyed {@code key}, to the outbound topic: what a broken producer would write. */
    public void publishRaw(String key, byte[] value) {
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, byte[]>(Map.of(
                org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestStack.kafka().bootstrapServers()),
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.OUTBOUND_CHANNELS, key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("publishing a raw outbound record failed", e);
        }
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** The inbound messages of {@code sessionId} published since the probe started. */
    public List<InboundMessage> inbound(String sessionId) {
        return inbound.stream().filter(m -> m.sessionId().equals(sessionId)).toList();
    }

    /**
     * The inbound messages of {@code sessionId} once there are at least {@code count}: a webhook
     * answered 200 has its messages in Kafka, but this probe reads them a moment later.
     */
    public List<InboundMessage> inbound(String sessionId, int count) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> inbound(sessionId).size() >= count);
        return inbound(sessionId);
    }

    public List<DeadLetter> deadLetters(String sessionId) {
        return deadLetters.stream().filter(d -> sessionId.equals(d.key())).toList();
    }

    /** Publishes {@code events} in order, as session-service does, and waits until Kafka has them. */
    public void publish(OutboundEvent... events) {
        try {
            for (OutboundEvent e : events) {
                publisher.publish(Topics.OUTBOUND_CHANNELS, e).get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("publishing outbound events failed", e);
        }
    }

    /** Publishes {@code event} and returns where Kafka wrote it. */
    public org.apache.kafka.clients.producer.RecordMetadata publishAt(OutboundEvent event) {
        try {
            return publisher.publishAt(Topics.OUTBOUND_CHANNELS, event).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("publishing an outbound event failed", e);
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
    }
}
