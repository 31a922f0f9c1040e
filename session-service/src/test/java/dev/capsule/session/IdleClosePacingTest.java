package dev.capsule.session;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.events.InboundClose;
import dev.capsule.events.SessionClosed;
import dev.capsule.events.Topics;
import dev.capsule.events.TurnEnded;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.PostgresResource;
import dev.capsule.testing.RedisResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sessions that go quiet together are asked to close at the sweep's pace (capsule.session.idle-closes-per-second is 10
 * in the test profile, a sweep a second), not all in one sweep, and every one of them still closes.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class IdleClosePacingTest {

    static final int SESSIONS = 40;
    /** Longer than the sends of one sweep take, shorter than the second between two sweeps. */
    static final Duration BETWEEN_SWEEPS = Duration.ofMillis(300);

    @Inject
    Pool pool;

    @Inject
    MeterRegistry metrics;

    KafkaTestClient kafka;
    String prefix;

    @BeforeEach
    void connect() {
        kafka = new KafkaTestClient(Topics.INBOUND, Topics.OUTBOUND, Topics.CHANGES);
        prefix = "paced-" + UUID.randomUUID() + "-";
    }

    @AfterEach
    void cleanUp() {
        kafka.close();
        // Nothing folds the closes here: the rows would stay listed as idle for the other tests' sweeps.
        pool.preparedQuery("DELETE FROM sessions WHERE session_id LIKE $1").execute(Tuple.of(prefix + "%"))
                .await().atMost(Duration.ofSeconds(10));
    }

    @Test
    void sessionsThatWentQuietTogetherAreAskedToCloseAFewASweepAndAllClose() {
        List<String> ids = IntStream.range(0, SESSIONS).mapToObj(i -> prefix + i).toList();
        double askedBefore = metrics.get("capsule.idle.closes.asked").counter().count();
        long sweepsBefore = metrics.get("capsule.idle.close.lateness").summary().count();
        ids.forEach(s -> kafka.send(s, "u1", "hello"));
        await().atMost(IdleCloseTest.WAIT).until(() -> ids.stream().allMatch(s -> kafka.of(s, TurnEnded.class).size() == 1));
        // As persistence-service would fold them: all last active at the same moment, so all due in the same sweep.
        OffsetDateTime quietSince = OffsetDateTime.now(ZoneOffset.UTC);
        ids.forEach(s -> FoldedRows.openSession(pool, s, "u1", quietSince));

        await().atMost(IdleCloseTest.WAIT).until(() -> ids.stream().allMatch(s -> kafka.of(s, SessionClosed.class).size() == 1));

        List<Instant> asked = ids.stream().map(s -> kafka.of(s, InboundClose.class).getFirst().timestamp()).sorted().toList();
        long sweeps = 1 + IntStream.range(1, asked.size())
                .filter(i -> Duration.between(asked.get(i - 1), asked.get(i)).compareTo(BETWEEN_SWEEPS) > 0).count();
        // 40 due at once at 10 a second: four sweeps, give or take one that ran late and another right behind it.
        assertTrue(sweeps >= 3, "the 40 closes were asked in " + sweeps + " sweep(s), from " + asked.getFirst() + " to " + asked.getLast());
        // Other tests' sessions may be asked meanwhile: at least these 40, over at least as many sweeps.
        assertTrue(metrics.get("capsule.idle.closes.asked").counter().count() - askedBefore >= SESSIONS, "the closes counted");
        assertTrue(metrics.get("capsule.idle.close.lateness").summary().count() - sweepsBefore >= sweeps, "each sweep's lateness recorded");
    }
}
