package dev.capsule.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.capsule.events.EventCodec;
import dev.capsule.events.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A record set aside on {@link Topics#DEAD_LETTER}: key and headers unchanged, with where it came
 * from and why in the headers SmallRye's dead-letter queue writes too, so that one tool reads every
 * service's dead letters. Each service decides when to set a record aside and how to wait for Kafka;
 * this is what the letter looks like and the producer that writes it.
 *
 * <p>The letter's value is a redacted copy of the record's ({@link #redacted}): its ids, types, times
 * and shape stay, what users said and who they are do not (texts, labels, emails, blocks, data,
 * payloads, snapshots), so that dead letters, read by operators and kept longer than chats, hold no
 * message text or email in clear. The original stays where the headers point (topic, partition,
 * offset) for as long as that topic keeps it.
 */
public final class DeadLetter {

    public static final String REASON = "dead-letter-reason";
    public static final String TOPIC = "dead-letter-topic";
    public static final String PARTITION = "dead-letter-partition";
    public static final String OFFSET = "dead-letter-offset";
    /** Says that the value is a redacted copy ({@code "true"}). */
    public static final String REDACTED = "dead-letter-redacted";

    /** Fields whose values are what users said or who they are: replaced, wherever they appear in a letter. */
    private static final Set<String> PRIVATE_FIELDS = Set.of("text", "label", "value", "email", "fallbackText", "block",
            "data", "payload", "snapshot", "history", "fields");

    private DeadLetter() {
    }

    /** {@code record}, addressed to the dead-letter topic, saying why. */
    public static ProducerRecord<String, byte[]> of(ConsumerRecord<String, byte[]> record, String reason) {
        ProducerRecord<String, byte[]> letter = new ProducerRecord<>(Topics.DEAD_LETTER, record.key(), redacted(record.value()));
        record.headers().forEach(h -> letter.headers().add(h));
        header(letter, REDACTED, "true");
        header(letter, REASON, reason);
        header(letter, TOPIC, record.topic());
        header(letter, PARTITION, Integer.toString(record.partition()));
        header(letter, OFFSET, Long.toString(record.offset()));
        return letter;
    }

    /**
     * {@code value} without what users said or who they are: a JSON object keeps its fields, the
     * private ones replaced by {@code "[redacted: n characters]"} (a text) or {@code "[redacted]"}; anything
     * else (not JSON, or not an object) becomes {@code {"redacted":"…","bytes":n}}.
     */
    public static byte[] redacted(byte[] value) {
        if (value == null) {
            return null;
        }
        JsonNode tree;
        try {
            tree = EventCodec.mapper().readTree(value);
        } catch (IOException e) {
            tree = null;
        }
        if (!(tree instanceof ObjectNode object)) {
            return EventCodec.mapper().createObjectNode().put("redacted", "the record is not a JSON object")
                    .put("bytes", value.length).toString().getBytes(StandardCharsets.UTF_8);
        }
        redact(object);
        return object.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void redact(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.properties().forEach(field -> {
                JsonNode child = field.getValue();
                if (PRIVATE_FIELDS.contains(field.getKey()) && !child.isNull()) {
                    field.setValue(child.isTextual()
                            ? TextNode.valueOf("[redacted: " + child.textValue().length() + " characters]")
                            : TextNode.valueOf("[redacted]"));
                } else {
                    redact(child);
                }
            });
        } else if (node instanceof ArrayNode array) {
            array.forEach(DeadLetter::redact);
        }
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
