package dev.capsule.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capsule.events.EventCodec;
import dev.capsule.events.EventMeta;
import dev.capsule.events.SessionClosed;
import dev.capsule.events.HistoryLine;
import dev.capsule.events.InboundPosition;
import dev.capsule.events.SessionOpened;
import dev.capsule.events.SchemaVersion;
import dev.capsule.events.SessionSnapshot;
import dev.capsule.events.StateChanged;
import dev.capsule.events.Topics;
import dev.capsule.events.TraceContext;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The session rows persistence-service keeps: who owns a session, and its latest state snapshot. */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class SessionFoldTest extends FoldTestBase {

    @Test
    void stateSnapshotsOnlyMoveForwardAndSessionOpenedFillsTheOwnerEvenAfterTheSnapshot() throws Exception {
        String session = UUID.randomUUID().toString();
        ObjectNode three = data(3);
        ObjectNode two = data(2);
        byte[] threeBytes = EventCodec.encode(StateChanged.of(meta(session), 3, three, null));

        // Version 3 (delivered twice) overtakes version 2, and both come before the session's opening.
        log.publish(Topics.CHANGES, session, threeBytes);
        log.publish(Topics.CHANGES, session, threeBytes);
        log.publish(Topics.CHANGES, StateChanged.of(meta(session), 2, two, null));
        log.publish(Topics.CHANGES, SessionOpened.of(meta(session), ADA, "support-telegram"));
        log.awaitAllFolded();

        Row row = session(session);
        assertEquals(3L, row.getLong("data_version"));
        assertEquals(three, json(row), "a lower version never replaces a higher one");
        assertEquals(ADA.id(), row.getString("user_id"));
        assertEquals(ADA.ownerId(), row.getString("owner_id"));
        assertEquals("support-telegram", row.getString("channel"));
        assertNotNull(row.getValue("opened_at"));
        assertNull(row.getValue("closed_at"));
        assertEquals(List.of(), log.deadLettersOf(session), "an old or repeated snapshot is skipped, not a failure");
    }

    @Test
    void closingSessionKeepsItsOwnerAndSnapshot() throws Exception {
        String session = UUID.randomUUID().toString();
        ObjectNode one = data(1);

        log.publish(Topics.CHANGES, SessionOpened.of(meta(session), ADA, "web"));
        log.publish(Topics.CHANGES, StateChanged.of(meta(session), 1, one, null));
        log.publish(Topics.CHANGES, SessionClosed.of(meta(session), "idle"));
        log.awaitAllFolded();

        Row row = session(session);
        assertEquals(one, json(row));
        assertEquals(ADA.ownerId(), row.getString("owner_id"));
        assertEquals("web", row.getString("channel"));
        assertNotNull(row.getValue("closed_at"));
    }

    @Test
    void aNewLifeAfterACloseKeepsTheFirstOpeningAndTheLatestOfEachInWhateverOrderTheyArrive() {
        String session = UUID.randomUUID().toString();
        Instant created = Instant.parse("2026-01-02T03:00:00Z");
        Instant closed = Instant.parse("2026-01-02T04:00:00Z");
        Instant reopened = Instant.parse("2026-01-02T05:00:00Z");

        log.publish(Topics.CHANGES, opened(session, reopened));
        log.publish(Topics.CHANGES, new SessionClosed(UUID.randomUUID().toString(), SchemaVersion.CURRENT, session, closed,
                TraceContext.NONE, SessionClosed.EXPLICIT));
        log.publish(Topics.CHANGES, opened(session, created));
        log.publish(Topics.CHANGES, new SessionClosed(UUID.randomUUID().toString(), SchemaVersion.CURRENT, session,
                closed.minusSeconds(60), TraceContext.NONE, SessionClosed.EXPLICIT));
        log.awaitAllFolded();

        Row row = session(session);
        assertEquals(created, row.getOffsetDateTime("opened_at").toInstant(), "the creation");
        assertEquals(reopened, row.getOffsetDateTime("last_opened_at").toInstant(), "the latest life");
        assertEquals(closed, row.getOffsetDateTime("closed_at").toInstant(), "the latest close");
    }

    private static SessionOpened opened(String session, Instant at) {
        return new SessionOpened(UUID.randomUUID().toString(), SchemaVersion.CURRENT, session, at, TraceContext.NONE, ADA, "web");
    }

    @Test
    void theSnapshotIsKeptWithoutItsHistoryWhichTheMessagesHoldAndTheFoldPositionPassesIt() throws Exception {
        String session = UUID.randomUUID().toString();
        SessionSnapshot snapshot = new SessionSnapshot(ADA, "web", java.time.Instant.parse("2026-01-02T03:04:05Z"), 7,
                List.of("in-1", "in-2"), List.of(new HistoryLine("in-1", "user", "hi", java.time.Instant.parse("2026-01-02T03:04:05Z"))), null,
                new InboundPosition(0, 41));
        log.publish(Topics.CHANGES, StateChanged.of(meta(session), 4, data(4), snapshot));
        log.awaitAllFolded();

        Row row = session(session);
        JsonNode kept = EventCodec.mapper().readTree(row.getJsonObject("snapshot").encode());
        assertFalse(kept.has("history"), "the history window is not rewritten into the row at every turn: " + kept);
        SessionSnapshot withoutHistory = new SessionSnapshot(snapshot.user(), snapshot.channel(), snapshot.createdAt(),
                snapshot.outboundSeq(), snapshot.recentInbound(), List.of(), snapshot.closedAt(), snapshot.handledUpTo());
        assertEquals(withoutHistory, EventCodec.mapper().treeToValue(((ObjectNode) kept)
                .set("history", EventCodec.mapper().createArrayNode()), SessionSnapshot.class));
        RowSet<Row> positions = pool.preparedQuery("SELECT next_offset FROM fold_positions WHERE topic = $1")
                .execute(Tuple.of(Topics.CHANGES)).await().indefinitely();
        assertTrue(positions.size() > 0, "the fold records how far it got");
    }

    private Row session(String id) {
        RowSet<Row> rows = pool.preparedQuery("SELECT * FROM sessions WHERE session_id = $1")
                .execute(Tuple.of(id)).await().indefinitely();
        assertEquals(1, rows.size(), "one row per session");
        return rows.iterator().next();
    }

    private static JsonNode json(Row row) throws JsonProcessingException {
        return EventCodec.mapper().readTree(row.getJsonObject("data").encode());
    }

    private static ObjectNode data(int version) {
        ObjectNode data = EventCodec.mapper().createObjectNode().put("turns", version).put("writtenBy", "v" + version);
        data.putArray("topics").add("weather").add("v" + version);
        return data;
    }

    private static EventMeta meta(String session) {
        return EventMeta.next(session, TraceContext.NONE);
    }
}
