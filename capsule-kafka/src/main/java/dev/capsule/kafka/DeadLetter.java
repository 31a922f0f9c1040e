package dev.capsule.kafka;

import dev.capsule.events.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A record set aside on {@link Topics#DEAD_LETTER}: key, bytes and headers unchanged, with where
 * it came from and why in the headers SmallRye's dead-letter queue writes too, so that one tool
 * reads every service's dead letters. Each service decides when to set a record aside and how
 * to wait for Kafka; this is what the letter looks like and the producer that writes it.
 */
public final class DeadLetter {

    public static final String REASON = "dead-letter-reason";
    public static final String TOPIC = "dead-letter-topic";
    public static final String PARTITION = "dead-letter-partition";
    public static final String OFFSET = "dead-letter-offset";

    private DeadLetter() {
    }

    /** {@code record}, addressed to the dead-letter topic, saying why. */
    public static ProducerRecord<String, byte[]> of(ConsumerRecord<String, byte[]> record, String reason) {
        ProducerRecord<String, byte[]> letter = new ProducerRecord<>(Topics.DEAD_LETTER, record.key(), record.value());
        record.headers().forEach(h -> letter.headers().add(h));
        header(letter, REASON, reason);
        header(letter, TOPIC, record.topic());
        header(letter, PARTITION, Integer.toString(record.partition()));
        header(letter, OFFSET, Long.toString(record.offset()));
        return letter;
    }

    /** Adds a header of the letter's own (a string, as all of them are). */
    public static void header(ProducerRecord<String, byte[]> letter, String name, String value) {
        letter.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A producer for dead letters: idempotent, acknowledged by all replicas, and blocking its
     * caller at most 3 s when Kafka is gone (the caller tries again), as {@link EventPublisher} does.
     */
    public static KafkaProducer<String, byte[]> producer(KafkaConnection connection, String clientId) {
        return new KafkaProducer<>(connection.with(Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, clientId,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 3000)),
                new StringSerializer(), new ByteArraySerializer());
    }
}
