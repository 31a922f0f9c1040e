package dev.capsule.session;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capsule.events.EventCodec;
import dev.capsule.events.InboundMessage;
import dev.capsule.events.Reply;
import dev.capsule.events.StateChanged;
import dev.capsule.events.Topics;
import dev.capsule.events.TurnEnded;
import dev.capsule.session.state.LookedUp;
import dev.capsule.session.state.OwnedSessions;
import dev.capsule.session.state.SessionPrefetch;
import dev.capsule.session.state.SessionStore;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.PostgresResource;
import dev.capsule.testing.RedisResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Redis is a cache: a session neither Redis nor this replica's memory holds resumes from the read model's snapshot,
 * which keeps no history window (persistence-service leaves it out), so the window is rebuilt from the messages.
 * No persistence-service runs in this module's tests: the test writes the rows as it folds them.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class ResumeFromReadModelTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String MESSAGE = """
            INSERT INTO messages (event_id, session_id, role, kind, text, in_reply_to, seq, user_id, created_at, inbound_offset)
            VALUES ($1, $2, $3, 'text', $4, $5, $6, $7, $8, $9)""";

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    OwnedSessions owned;

    @Inject
    SessionStore store;

    @Inject
    SessionPrefetch prefetch;

    @Test
    void aSessionResumedFromPostgresHasTheHistoryItsSnapshotHandledAndNothingAfter() {
        String s = "r-" + UUID.randomUUID();
        try (KafkaTestClient kafka = new KafkaTestClient(Topics.OUTBOUND, Topics.CHANGES)) {
            InboundMessage one = kafka.send(s, "u1", "one");
            await().atMost(WAIT).until(() -> kafka.of(s, TurnEnded.class).size() == 1 && store.load(s).isPresent());
            long handled = store.load(s).orElseThrow().handledUpTo().offset();
            Reply reply = kafka.of(s, Reply.class).getFirst();
            StateChanged change = kafka.of(s, StateChanged.class).getFirst();
            OffsetDateTime t = OffsetDateTime.now(ZoneOffset.UTC);

            // What persistence-service folds of that turn: its two lines, and the snapshot without the window.
            message(one.eventId(), s, "user", "one", null, null, t.minusSeconds(4), handled);
            message(reply.eventId(), s, "app", reply.text(), one.eventId(), reply.seq(), t.minusSeconds(3), null);
            ObjectNode kept = EventCodec.mapper().valueToTree(change.snapshot());
            kept.remove("history");
            pool.preparedQuery("""
                    INSERT INTO sessions (session_id, user_id, owner_id, channel, data, data_version, snapshot)
                    VALUES ($1, 'u1', 'u1', 'api', $2::text::jsonb, $3, $4::text::jsonb)""")
                    .execute(Tuple.of(s, change.data().toString(), change.version(), kept.toString())).await().atMost(WAIT);
            // Folded, but after the snapshot: a message whose turn had not been saved when Redis lost everything, and
            // its answer; and an answer to an event the snapshot never handled. None of them is in its window.
            message("later-" + s, s, "user", "later", null, null, t.minusSeconds(2), handled + 1);
            message("later-answer-" + s, s, "app", "#2: later", "later-" + s, reply.seq() + 2, t.minusSeconds(1), null);
            message("unhandled-job-" + s, s, "app", "from a job", "job-" + s, reply.seq() + 3, t.minusSeconds(1), null);

            redis.key().del("capsule:session:" + s);
            owned.forget(s);
            kafka.send(s, "u1", "/recent");
            await().atMost(WAIT).until(() -> kafka.of(s, Reply.class).size() == 2);
            assertEquals("#2: USER:one|APP:#1: one|USER:/recent", kafka.of(s, Reply.class).get(1).text(),
                    "the turn count came from the snapshot's data, the window from the messages it covered");
        }
    }

    @Test
    void aPollsSessionsThatThisReplicaDoesNotHoldAreLookedUpTogetherEachWhereItsStateIs() {
        String inRedis = "r-" + UUID.randomUUID();
        String inPostgres = "r-" + UUID.randomUUID();
        String fresh = "r-" + UUID.randomUUID();
        try (KafkaTestClient kafka = new KafkaTestClient(Topics.OUTBOUND, Topics.CHANGES)) {
            kafka.send(inRedis, "u1", "one");
            await().atMost(WAIT).until(() -> kafka.of(inRedis, TurnEnded.class).size() == 1 && store.load(inRedis).isPresent());
        }
        owned.forget(inRedis);
        pool.preparedQuery("""
                INSERT INTO sessions (session_id, user_id, owner_id, channel, data, data_version, snapshot)
                VALUES ($1, 'u1', 'u1', 'api', '{}'::jsonb, 1, '{}'::jsonb)""").execute(Tuple.of(inPostgres)).await().atMost(WAIT);

        prefetch.lookUp(List.of(inRedis, inPostgres, fresh));

        LookedUp redisHas = owned.takeLookup(inRedis).orElseThrow();
        assertEquals(1, redisHas.state().version(), "Redis's state, as the turn would have read it");
        LookedUp postgresHas = owned.takeLookup(inPostgres).orElseThrow();
        assertNull(postgresHas.state());
        assertTrue(postgresHas.inPostgres(), "its turn reads the snapshot from PostgreSQL");
        LookedUp nowhere = owned.takeLookup(fresh).orElseThrow();
        assertNull(nowhere.state());
        assertFalse(nowhere.inPostgres(), "a new session");
    }

    private void message(String id, String session, String role, String text, String inReplyTo, Long seq, OffsetDateTime at,
                         Long inboundOffset) {
        pool.preparedQuery(MESSAGE).execute(Tuple.from(new Object[] {id, session, role, text, inReplyTo, seq,
                "user".equals(role) ? "u1" : null, at, inboundOffset})).await().atMost(WAIT);
        assertEquals(1, pool.preparedQuery("SELECT 1 FROM messages WHERE event_id = $1").execute(Tuple.of(id))
                .await().atMost(WAIT).size());
    }

}
