package dev.capsule.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capsule.events.EventCodec;
import dev.capsule.events.EventMeta;
import dev.capsule.events.InboundMessage;
import dev.capsule.events.Topics;
import dev.capsule.events.TraceContext;
import dev.capsule.events.UserRef;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** A dead letter keeps where its record came from and its shape, never what the user said or their email. */
class DeadLetterTest {

    @Test
    void aLetterKeepsTheIdsAndShapeButNotTheTextOrEmail() throws Exception {
        InboundMessage message = InboundMessage.of(EventMeta.next("s1", TraceContext.NONE),
                new UserRef("u1", "ana@example.org", "u1"), "web", "my card number is 4111", null);
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(Topics.INBOUND, 2, 41L, "s1", EventCodec.encode(message));

        ProducerRecord<String, byte[]> letter = DeadLetter.of(record, "it broke");

        String value = new String(letter.value(), StandardCharsets.UTF_8);
        assertFalse(value.contains("4111") || value.contains("ana@example.org"), value);
        JsonNode json = EventCodec.mapper().readTree(letter.value());
        assertEquals(message.eventId(), json.path("eventId").asText());
        assertEquals("u1", json.path("user").path("id").asText());
        assertEquals("[redacted: 22 characters]", json.path("text").asText());
        assertEquals("s1", letter.key());
        assertEquals("41", new String(letter.headers().lastHeader(DeadLetter.OFFSET).value(), StandardCharsets.UTF_8));
        assertEquals("true", new String(letter.headers().lastHeader(DeadLetter.REDACTED).value(), StandardCharsets.UTF_8));
    }

    @Test
    void aValueThatIsNotAJsonObjectKeepsOnlyItsSize() throws Exception {
        JsonNode json = EventCodec.mapper().readTree(DeadLetter.redacted("secret, not json".getBytes(StandardCharsets.UTF_8)));
        assertEquals(16, json.path("bytes").asInt());
        assertTrue(json.path("redacted").asText().contains("not a JSON object"));
    }
}
