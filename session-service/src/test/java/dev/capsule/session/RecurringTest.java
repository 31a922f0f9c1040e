package dev.capsule.session;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.events.InboundDue;
import dev.capsule.events.Reply;
import dev.capsule.events.Topics;
import dev.capsule.events.TurnEnded;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.PostgresResource;
import dev.capsule.testing.RedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A @Recurring job (every two seconds) runs once per due time for every owner, in the owner's most
 * recently active session, with that session current; the owner's other sessions are left alone.
 * No persistence-service runs here, so the test writes the rows it would have folded.
 */
@QuarkusTest
@TestProfile(RecurringTest.Profile.class)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class RecurringTest {

    public static final class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("capsule.app", RecurringTestApp.class.getName());
        }
    }

    static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    Pool pool;

    KafkaTestClient kafka;

    @BeforeEach
    void connect() {
        kafka = new KafkaTestClient(Topics.INBOUND, Topics.OUTBOUND);
    }

    @AfterEach
    void disconnect() {
        kafka.close();
    }

    @Test
    void eachRunReachesTheLatestSessionOfEveryOwnerOnce() {
        String ana = "ana-" + UUID.randomUUID();
        String bo = "bo-" + UUID.randomUUID();
        String anaOld = "rec-" + UUID.randomUUID();
        String anaNew = "rec-" + UUID.randomUUID();
        String boOnly = "rec-" + UUID.randomUUID();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        for (String[] s : new String[][] {{anaOld, ana}, {anaNew, ana}, {boOnly, bo}}) {
            kafka.send(s[0], s[1], "hello");
        }
        await().atMost(WAIT).until(() -> List.of(anaOld, anaNew, boOnly).stream()
                .allMatch(s -> kafka.of(s, TurnEnded.class).size() == 1));
        FoldedRows.openSession(pool, anaOld, ana, now.minusMinutes(5));
        FoldedRows.openSession(pool, anaNew, ana, now);
        FoldedRows.openSession(pool, boOnly, bo, now);

        await().atMost(WAIT).until(() -> ticks(anaNew).size() >= 2 && ticks(boOnly).size() >= 2);
        assertEquals("tick recurring=true current=" + anaNew, ticks(anaNew).getFirst());
        assertEquals("tick recurring=true current=" + boOnly, ticks(boOnly).getFirst());
        assertTrue(ticks(anaOld).isEmpty(), "an owner's older session is left alone");
        for (String s : List.of(anaNew, boOnly)) {
            Map<Object, Long> perRun = kafka.of(s, InboundDue.class).stream()
                    .collect(Collectors.groupingBy(InboundDue::dueAt, Collectors.counting()));
            assertTrue(perRun.values().stream().allMatch(n -> n == 1), "one event per run: " + perRun);
        }
    }

    private List<String> ticks(String s) {
        return kafka.of(s, Reply.class).stream().map(Reply::text).filter(t -> t.startsWith("tick")).toList();
    }

}
