package dev.capsule.session;

import dev.capsule.events.CapsuleEvent;
import dev.capsule.events.EventCodec;
import dev.capsule.events.EventMeta;
import dev.capsule.events.InboundMessage;
import dev.capsule.events.Topics;
import dev.capsule.events.TraceContext;
import dev.capsule.events.UserRef;
import dev.capsule.testing.TestStack;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Plays the gateway on the real broker: sends inbound messages and records every event on the topics it is given. */
final class KafkaTestClient implements AutoCloseable {

    final List<CapsuleEvent> seen = new CopyOnWriteArrayList<>();
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread reader;
    private volatile boolean running = true;

    KafkaTestClient(String... topics) {
        String bootstrap = TestStack.kafka().bootstrapServers();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(), new ByteArraySerializer());
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = java.util.Arrays.stream(topics).flatMap(topic -> consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition()))).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        reader = Thread.ofPlatform().daemon().start(() -> {
            while (running) {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> seen.add(EventCodec.decode(r.value())));
            }
            consumer.close();
        });
    }

    static UserRef user(String id) {
        return new UserRef(id, null, id);
    }

    InboundMessage send(String sessionId, String userId, String text) {
        InboundMessage m = InboundMessage.of(EventMeta.next(sessionId, TraceContext.NONE), user(userId), "api", text, null);
        sendRaw(m);
        return m;
    }

    /** A press of the button {@code label} whose value is {@code value}, as the gateway publishes it. */
    InboundMessage press(String sessionId, String userId, String value, String label) {
        InboundMessage m = InboundMessage.pressed(EventMeta.next(sessionId, TraceContext.NONE), user(userId), "api",
                new InboundMessage.Action(value, label), null);
        sendRaw(m);
        return m;
    }

    void sendRaw(CapsuleEvent m) {
        producer.send(new ProducerRecord<>(Topics.INBOUND, m.sessionId(), EventCodec.encode(m)));
        producer.flush();
    }

    <T extends CapsuleEvent> List<T> of(String sessionId, Class<T> type) {
        return seen.stream().filter(e -> e.sessionId().equals(sessionId)).filter(type::isInstance).map(type::cast).toList();
    }

    @Override
    public void close() {
        running = false;
        producer.close();
    }
}
