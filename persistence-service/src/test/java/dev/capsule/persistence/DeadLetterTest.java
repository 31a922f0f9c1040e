package dev.capsule.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capsule.events.CapsuleEvent;
import dev.capsule.events.EventCodec;
import dev.capsule.events.EventMeta;
import dev.capsule.events.InboundMessage;
import dev.capsule.events.Reply;
import dev.capsule.events.StateChanged;
import dev.capsule.events.Topics;
import dev.capsule.events.TraceContext;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad input harms nothing: an unreadable record is set aside with its reason, and the topic goes on being folded. */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class DeadLetterTest extends FoldTestBase {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {Topics.INBOUND, Topics.OUTBOUND, Topics.CHANGES})
    void unreadableRecordsGoToTheDeadLetterTopicWithTheirReasonAndLaterEventsOfTheTopicAreStillFolded(String topic) throws Exception {
        String session = UUID.randomUUID().toString();
        byte[] notJson = ("not json " + session).getBytes(StandardCharsets.UTF_8);
        ObjectNode future = (ObjectNode) EventCodec.mapper().readTree(EventCodec.encode(validEventOf(topic, session)));
        future.put("schemaVersion", "9.0");
        byte[] futureVersion = future.toString().getBytes(StandardCharsets.UTF_8);
        CapsuleEvent valid = validEventOf(topic, session);

        log.publish(topic, session, notJson);
        log.publish(topic, session, futureVersion);
        log.publish(topic, valid);
        log.awaitAllFolded();

        // deadLettersOf finds them by their key: a dead letter keeps its session id.
        List<ConsumerRecord<String, byte[]>> deadLetters = log.deadLettersOf(session);
        assertDeadLettered(deadLetters, topic, notJson, "malformed JSON");
        assertDeadLettered(deadLetters, topic, futureVersion, "unsupported schemaVersion 9.0");
        assertEquals(2, deadLetters.size(), "only the unreadable records are set aside");
        assertEquals(1L, keptCount(valid), "the topic goes on being folded after an unreadable record");
    }

    @Test
    void aRecordHeadedAsAnEventTheReadModelDoesNotKeepIsPassedOverUndecodedButAnUnknownTypeIsStillReadAndSetAside() throws Exception {
        String session = UUID.randomUUID().toString();
        byte[] notJson = ("not json " + session).getBytes(StandardCharsets.UTF_8);
        byte[] alsoNotJson = ("still not json " + session).getBytes(StandardCharsets.UTF_8);
        CapsuleEvent valid = validEventOf(Topics.OUTBOUND, session);

        log.publish(Topics.OUTBOUND, session, notJson, "stream.chunk");
        log.publish(Topics.OUTBOUND, session, alsoNotJson, "some.future.event");
        log.publish(Topics.OUTBOUND, valid);
        log.awaitAllFolded();

        List<ConsumerRecord<String, byte[]>> deadLetters = log.deadLettersOf(session);
        assertEquals(1, deadLetters.size(), "a chunk is never decoded; an unknown type is, and fails");
        assertDeadLettered(deadLetters, Topics.OUTBOUND, alsoNotJson, "malformed JSON");
        assertEquals(1L, keptCount(valid));
    }

    @Test
    void aValuePostgresqlRefusesIsSetAsideAloneAndTheRestOfItsBatchAndTopicsAreStillFolded() throws Exception {
        String session = UUID.randomUUID().toString();
        // Valid JSON and a valid event, but PostgreSQL keeps no NUL in a text column: the write itself is refused.
        InboundMessage refused = InboundMessage.of(EventMeta.next(session, TraceContext.NONE), ADA, "web", "a\u0000b", null);
        InboundMessage before = InboundMessage.of(EventMeta.next(session, TraceContext.NONE), ADA, "web", "before", null);
        InboundMessage after = InboundMessage.of(EventMeta.next(session, TraceContext.NONE), ADA, "web", "after", null);
        CapsuleEvent elsewhere = validEventOf(Topics.CHANGES, session);

        log.publishBurst(Topics.INBOUND, List.of(java.util.Map.entry(session, EventCodec.encode(before)),
                java.util.Map.entry(session, EventCodec.encode(refused)), java.util.Map.entry(session, EventCodec.encode(after))));
        log.publish(Topics.CHANGES, elsewhere);
        log.awaitAllFolded();

        List<ConsumerRecord<String, byte[]>> deadLetters = log.deadLettersOf(session);
        assertEquals(1, deadLetters.size(), "only the refused record is set aside");
        assertDeadLettered(deadLetters, Topics.INBOUND, EventCodec.encode(refused), "PostgreSQL refused it");
        assertEquals(1L, keptCount(before));
        assertEquals(1L, keptCount(after));
        assertEquals(1L, keptCount(elsewhere), "the other topics go on being folded");
    }

    /** A record of {@code topic} that persistence-service keeps a trace of. */
    private static CapsuleEvent validEventOf(String topic, String session) {
        EventMeta meta = EventMeta.next(session, TraceContext.NONE);
        return switch (topic) {
            case Topics.INBOUND -> InboundMessage.of(meta, ADA, "web", "still there?", null);
            case Topics.OUTBOUND -> Reply.of(meta, UUID.randomUUID().toString(), 1, "web", null, "yes");
            case Topics.CHANGES -> StateChanged.of(meta, 1, EventCodec.mapper().createObjectNode().put("turns", 1), null);
            default -> throw new IllegalArgumentException(topic);
        };
    }

    private long keptCount(CapsuleEvent event) {
        String sql = event instanceof StateChanged
                ? "SELECT count(*) FROM sessions WHERE session_id = $1 AND data_version = 1"
                : "SELECT count(*) FROM messages WHERE event_id = $1";
        String key = event instanceof StateChanged ? event.sessionId() : event.eventId();
        return pool.preparedQuery(sql).execute(Tuple.of(key)).await().indefinitely().iterator().next().getLong(0);
    }

    private static void assertDeadLettered(List<ConsumerRecord<String, byte[]>> seen, String topic, byte[] value,
                                           String reason) {
        // The letter holds a redacted copy of the record: no text or email in clear.
        byte[] letter = dev.capsule.kafka.DeadLetter.redacted(value);
        Optional<ConsumerRecord<String, byte[]>> found = seen.stream()
                .filter(r -> Arrays.equals(letter, r.value())).findFirst();
        assertTrue(found.isPresent(), "not on " + Topics.DEAD_LETTER + ": " + new String(value, StandardCharsets.UTF_8));
        ConsumerRecord<String, byte[]> record = found.get();
        assertEquals(topic, header(record, "dead-letter-topic"));
        String given = header(record, "dead-letter-reason");
        assertTrue(given != null && given.contains(reason), "reason '" + given + "' should say '" + reason + "'");
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
