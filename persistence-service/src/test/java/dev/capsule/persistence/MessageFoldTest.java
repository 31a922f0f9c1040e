package dev.capsule.persistence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capsule.events.EventCodec;
import dev.capsule.events.EventMeta;
import dev.capsule.events.InboundMessage;
import dev.capsule.events.Notify;
import dev.capsule.events.Reply;
import dev.capsule.events.Show;
import dev.capsule.events.StreamChunk;
import dev.capsule.events.StreamEnd;
import dev.capsule.events.Topics;
import dev.capsule.events.TraceContext;
import dev.capsule.events.TurnEnded;
import dev.capsule.events.TurnFailed;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The history persistence-service keeps: which events become messages, once each, in order. */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class MessageFoldTest extends FoldTestBase {

    /** The order gateway-service pages history in (HistoryReader): a turn's messages by when they were made, the user's first. */
    private static final String HISTORY = """
            SELECT event_id, role, kind, text, block, in_reply_to, seq, user_id FROM messages
            WHERE session_id = $1 ORDER BY created_at, seq NULLS FIRST, position""";

    @Test
    void userMessageAndReplyAreKeptOnceEachInOrderWhenEveryEventIsDeliveredTwice() {
        String session = UUID.randomUUID().toString();
        InboundMessage question = InboundMessage.of(meta(session), ADA, "web", "what's the weather?", null);
        Reply answer = Reply.of(meta(session), question.eventId(), 1, "web", null, "sunny");
        byte[] questionBytes = EventCodec.encode(question);
        byte[] answerBytes = EventCodec.encode(answer);

        // Each topic redelivers its record, as after a consumer crash before the offset commit.
        long questionOffset = log.publish(Topics.INBOUND, session, questionBytes).offset();
        log.publish(Topics.INBOUND, session, questionBytes);
        log.publish(Topics.OUTBOUND, session, answerBytes);
        log.publish(Topics.OUTBOUND, session, answerBytes);
        log.awaitAllFolded();

        assertEquals(List.of(
                        new Kept(question.eventId(), "user", "text", "what's the weather?", null, null, ADA.id()),
                        new Kept(answer.eventId(), "app", "text", "sunny", question.eventId(), 1L, null)),
                history(session));
        assertEquals(List.of(), log.deadLettersOf(session), "a redelivery is a no-op, not a failure");
        // Where the user's message sits in capsule.inbound (its first copy; the user's row first): session-service rebuilds a session's history
        // from the messages up to the last one its snapshot handled. A reply has none.
        List<Long> offsets = new ArrayList<>();
        pool.preparedQuery("SELECT inbound_offset FROM messages WHERE session_id = $1 ORDER BY role DESC").execute(Tuple.of(session))
                .await().indefinitely().forEach(row -> offsets.add(row.getLong("inbound_offset")));
        assertEquals(java.util.Arrays.asList(questionOffset, null), offsets);
    }

    @Test
    void aButtonPressIsKeptAsItsLabelAndATypedMessageOfAnOlderSchemaAsItsText() {
        String session = UUID.randomUUID().toString();
        InboundMessage press = InboundMessage.pressed(meta(session), ADA, "web", new InboundMessage.Action("done", "Mark done"), null);
        // As a 1.4 producer wrote it, before action existed.
        String older = EventCodec.encodeToString(InboundMessage.of(meta(session), ADA, "web", "thanks", null))
                .replace(",\"action\":null", "").replace("\"schemaVersion\":\"1.5\"", "\"schemaVersion\":\"1.4\"");
        InboundMessage olderMessage = EventCodec.decode(older.getBytes(StandardCharsets.UTF_8), InboundMessage.class);

        log.publish(Topics.INBOUND, press);
        log.publish(Topics.INBOUND, session, older.getBytes(StandardCharsets.UTF_8));
        log.awaitAllFolded();

        assertEquals(List.of(
                        new Kept(press.eventId(), "user", "text", "Mark done", null, null, ADA.id()),
                        new Kept(olderMessage.eventId(), "user", "text", "thanks", null, null, ADA.id())),
                history(session));
        assertEquals(List.of(), log.deadLettersOf(session));
    }

    @Test
    void finishedStreamIsKeptAsOneMessageWithItsWholeTextAndNeitherChunksNorNotifiesNorTurnMarkersAreKept() {
        String session = UUID.randomUUID().toString();
        InboundMessage question = InboundMessage.of(meta(session), ADA, "web", "tell me a story", null);
        String stream = UUID.randomUUID().toString();
        StreamEnd end = StreamEnd.of(meta(session), question.eventId(), 5, "web", null, stream, 3,
                "Once upon a time.", false);
        InboundMessage again = InboundMessage.of(meta(session), ADA, "web", "another one", null);

        log.publish(Topics.INBOUND, question);
        log.publish(Topics.OUTBOUND, Notify.of(meta(session), question.eventId(), 1, "web", null, "typing…"));
        log.publish(Topics.OUTBOUND, StreamChunk.of(meta(session), question.eventId(), 2, "web", null, stream, 0, "Once "));
        log.publish(Topics.OUTBOUND, StreamChunk.of(meta(session), question.eventId(), 3, "web", null, stream, 1, "upon a "));
        log.publish(Topics.OUTBOUND, StreamChunk.of(meta(session), question.eventId(), 4, "web", null, stream, 2, "time."));
        log.publish(Topics.OUTBOUND, end);
        log.publish(Topics.OUTBOUND, TurnEnded.of(meta(session), question.eventId(), 6, "web", null, 5));
        log.publish(Topics.INBOUND, again);
        log.publish(Topics.OUTBOUND, TurnFailed.of(meta(session), again.eventId(), 7, "web", null,
                "handler_error", "Something went wrong."));
        log.awaitAllFolded();

        assertEquals(List.of(
                        new Kept(question.eventId(), "user", "text", "tell me a story", null, null, ADA.id()),
                        new Kept(end.eventId(), "app", "stream", "Once upon a time.", question.eventId(), 5L, null),
                        new Kept(again.eventId(), "user", "text", "another one", null, null, ADA.id())),
                history(session));
    }

    @Test
    void shownBlockIsKeptAsStructuredMessageWithItsFallbackTextAsText() throws Exception {
        String session = UUID.randomUUID().toString();
        InboundMessage question = InboundMessage.of(meta(session), ADA, "web", "what's on my plate?", null);
        ObjectNode block = EventCodec.mapper().createObjectNode()
                .put("kind", "task")
                .put("title", "Review the release notes")
                .put("fallbackText", "Task: Review the release notes (open)");
        block.putObject("fields").put("status", "open").put("due", "2026-12-01");
        block.putArray("actions").addObject().put("id", "done").put("label", "Mark done");
        Show show = Show.of(meta(session), question.eventId(), 1, "web", null, block);

        log.publish(Topics.INBOUND, question);
        log.publish(Topics.OUTBOUND, show);

        log.awaitAllFolded();

        assertEquals(2, history(session).size());
        Row row = pool.preparedQuery("SELECT role, kind, text, block, in_reply_to, seq FROM messages WHERE event_id = $1")
                .execute(Tuple.of(show.eventId())).await().indefinitely().iterator().next();
        assertEquals("app", row.getString("role"));
        assertEquals("block", row.getString("kind"));
        assertEquals("Task: Review the release notes (open)", row.getString("text"));
        assertEquals(question.eventId(), row.getString("in_reply_to"));
        assertEquals(1L, row.getLong("seq"));
        JsonNode kept = EventCodec.mapper().readTree(row.getJsonObject("block").encode());
        assertEquals("task", kept.path("kind").asText());
        assertEquals("Task: Review the release notes (open)", kept.path("fallbackText").asText());
        assertEquals(block, kept, "the whole block is kept, not only its kind and fallback text");
    }

    @Test
    void aBurstOfTurnsAcrossSessionsFoldsInBatchesOnceEachInOrderAndAnUnreadableRecordAmongThemIsSetAsideAlone() {
        List<String> sessions = IntStream.range(0, 8).mapToObj(i -> UUID.randomUUID().toString()).toList();
        List<Map.Entry<String, byte[]>> questions = new ArrayList<>();
        List<Map.Entry<String, byte[]>> answers = new ArrayList<>();
        Map<String, List<Kept>> expected = new HashMap<>();
        for (int turn = 0; turn < 40; turn++) {
            for (String session : sessions) {
                InboundMessage q = InboundMessage.of(meta(session), ADA, "web", "question " + turn, null);
                Reply a = Reply.of(meta(session), q.eventId(), turn + 1, "web", null, "answer " + turn);
                questions.add(Map.entry(session, EventCodec.encode(q)));
                answers.add(Map.entry(session, EventCodec.encode(a)));
                // A duplicate now and then, as a producer retry would leave.
                if (turn % 7 == 0) {
                    answers.add(Map.entry(session, EventCodec.encode(a)));
                }
                expected.computeIfAbsent(session, s -> new ArrayList<>()).addAll(List.of(
                        new Kept(q.eventId(), "user", "text", "question " + turn, null, null, ADA.id()),
                        new Kept(a.eventId(), "app", "text", "answer " + turn, q.eventId(), turn + 1L, null)));
            }
        }
        byte[] garbage = ("not json " + sessions.getFirst()).getBytes(StandardCharsets.UTF_8);
        answers.add(answers.size() / 2, Map.entry(sessions.getFirst(), garbage));

        log.publishBurst(Topics.INBOUND, questions);
        log.publishBurst(Topics.OUTBOUND, answers);
        log.awaitAllFolded();

        for (String session : sessions) {
            assertEquals(expected.get(session), history(session), "history of " + session);
        }
        List<ConsumerRecord<String, byte[]>> deadLetters = log.deadLettersOf(sessions.getFirst());
        assertEquals(1, deadLetters.size(), "only the unreadable record is set aside, not its batch");
        assertArrayEquals(dev.capsule.kafka.DeadLetter.redacted(garbage), deadLetters.getFirst().value(), "a redacted copy");
    }

    /** One kept message, as the history shows it. */
    record Kept(String eventId, String role, String kind, String text, String inReplyTo, Long seq, String userId) {
    }

    private List<Kept> history(String session) {
        List<Kept> kept = new ArrayList<>();
        for (Row row : pool.preparedQuery(HISTORY).execute(Tuple.of(session)).await().indefinitely()) {
            if (!"block".equals(row.getString("kind"))) {
                assertNull(row.getValue("block"), "only a block message has a block");
            }
            kept.add(new Kept(row.getString("event_id"), row.getString("role"), row.getString("kind"),
                    row.getString("text"), row.getString("in_reply_to"), row.getLong("seq"), row.getString("user_id")));
        }
        return kept;
    }

    private static EventMeta meta(String session) {
        return EventMeta.next(session, TraceContext.NONE);
    }
}
