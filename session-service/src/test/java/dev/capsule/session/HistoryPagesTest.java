package dev.capsule.session;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** History beyond the recent window comes from PostgreSQL, a page at a time, oldest first. */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class HistoryPagesTest {

    @Inject
    Pool pool;

    @Test
    void thePageBeforeAMessageHoldsTheMessagesJustBeforeItOldestFirst() {
        String s = "h-" + UUID.randomUUID();
        OffsetDateTime t0 = OffsetDateTime.now().minusHours(1);
        for (int i = 1; i <= 6; i++) {
            // As persistence-service folds them: a user message, then its reply, a second apart.
            pool.preparedQuery("INSERT INTO messages (event_id, session_id, role, kind, text, seq, created_at) "
                            + "VALUES ($1, $2, $3, 'text', $4, $5, $6)")
                    .execute(Tuple.from(new Object[] {s + "-m" + i, s, i % 2 == 1 ? "user" : "app", "m" + i,
                            i % 2 == 1 ? null : (long) i, t0.plusSeconds(i)}))
                    .await().indefinitely();
        }
        try (KafkaTestClient kafka = new KafkaTestClient(Topics.OUTBOUND)) {
            kafka.send(s, "u1", "/before " + s + "-m5 3");
            await().atMost(Duration.ofSeconds(30)).until(() -> kafka.of(s, Reply.class).size() == 1);
            assertEquals("APP:m2|USER:m3|APP:m4", kafka.of(s, Reply.class).get(0).text());
        }
    }
}
