package dev.capsule.session;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.events.DocumentChanged;
import dev.capsule.events.Reply;
import dev.capsule.events.Topics;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.PostgresResource;
import dev.capsule.testing.RedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Collections through the SDK, on real Kafka, Redis and PostgreSQL. No persistence-service
 * runs here, so documents are put into PostgreSQL directly, as its fold would.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class CollectionsTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    Pool pool;

    void stored(String owner, String collection, String id, long version) {
        pool.preparedQuery("INSERT INTO documents (owner_id, collection, id, version, data, created_at, updated_at) "
                        + "VALUES ($1, $2, $3, $4, '{\"v\":1}'::jsonb, $5, $5)")
                .execute(Tuple.of(owner, collection, id, version, OffsetDateTime.now())).await().indefinitely();
    }

    static List<String> replies(KafkaTestClient kafka, String session) {
        return kafka.of(session, Reply.class).stream().map(Reply::text).toList();
    }

    @Test
    void aSecondUpdateFromTheSameVersionIsAConflictNotASilentOverwrite() {
        String owner = "own-" + UUID.randomUUID();
        String id = UUID.randomUUID().toString();
        stored(owner, "notes", id, 1);
        try (KafkaTestClient kafka = new KafkaTestClient(Topics.OUTBOUND); KafkaTestClient changes = new KafkaTestClient(Topics.CHANGES)) {
            String s1 = "c-" + UUID.randomUUID();
            String s2 = "c-" + UUID.randomUUID();
            kafka.send(s1, owner, "/doc-update notes " + id + " 1");
            await().atMost(WAIT).until(() -> replies(kafka, s1).size() == 1);
            // Another session of the same owner, still holding version 1.
            kafka.send(s2, owner, "/doc-update notes " + id + " 1");
            await().atMost(WAIT).until(() -> replies(kafka, s2).size() == 1);
            assertEquals(List.of("updated to v2"), replies(kafka, s1));
            assertEquals(List.of("conflict at v2"), replies(kafka, s2));
            List<DocumentChanged> written = changes.of(s1, DocumentChanged.class);
            assertEquals(1, written.size(), "the update became one change event");
            assertEquals(owner, written.get(0).ownerId());
            assertTrue(changes.of(s2, DocumentChanged.class).isEmpty(), "the refused update wrote nothing");
        }
    }

    @Test
    void noSdkCallReachesAnotherOwnersDocuments() {
        String other = "own-" + UUID.randomUUID();
        String id = UUID.randomUUID().toString();
        stored(other, "notes", id, 1);
        try (KafkaTestClient kafka = new KafkaTestClient(Topics.OUTBOUND)) {
            String s = "c-" + UUID.randomUUID();
            String me = "own-" + UUID.randomUUID();
            kafka.send(s, me, "/doc-get notes " + id);
            kafka.send(s, me, "/doc-find notes");
            kafka.send(s, me, "/doc-update notes " + id + " 1");
            await().atMost(WAIT).until(() -> replies(kafka, s).size() == 3);
            assertEquals(List.of("none", "found 0", "no such document"), replies(kafka, s));
        }
    }

    @Test
    void anOversizedDocumentIsRefusedWithTheLimitAndNothingIsWritten() {
        try (KafkaTestClient kafka = new KafkaTestClient(Topics.OUTBOUND); KafkaTestClient changes = new KafkaTestClient(Topics.CHANGES)) {
            String s = "c-" + UUID.randomUUID();
            kafka.send(s, "u1", "/doc-big 70000");
            kafka.send(s, "u1", "/doc-big 10");
            await().atMost(WAIT).until(() -> replies(kafka, s).size() == 2);
            assertTrue(replies(kafka, s).get(0).startsWith("refused: a document of 70011 bytes cannot be stored in collection notes: the limit is 65536 bytes"),
                    replies(kafka, s).get(0));
            assertEquals("stored", replies(kafka, s).get(1));
            await().atMost(WAIT).until(() -> changes.of(s, DocumentChanged.class).size() == 1);
        }
    }

    @Test
    void aBadCollectionNameIsRefusedWithTheRule() {
        try (KafkaTestClient kafka = new KafkaTestClient(Topics.OUTBOUND)) {
            String s = "c-" + UUID.randomUUID();
            kafka.send(s, "u1", "/doc-bad Notes!");
            await().atMost(WAIT).until(() -> replies(kafka, s).size() == 1);
            assertTrue(replies(kafka, s).get(0).startsWith("refused: 'Notes!' is not a collection name"), replies(kafka, s).get(0));
        }
    }
}
