package dev.capsule.session;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capsule.events.InboundDue;
import dev.capsule.events.Reply;
import dev.capsule.events.Topics;
import dev.capsule.events.TurnEnded;
import dev.capsule.events.TurnFailed;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.PostgresResource;
import dev.capsule.testing.RedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Jobs a session schedules: Quartz (clustered, on PostgreSQL) fires each once when due, as an InboundDue
 * on the session's lane, where onScheduled runs with the session current and answers into the session.
 * Background tasks: the managed executor hands the session to the task and to nothing else.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class ScheduleTest {

    static final Duration WAIT = Duration.ofSeconds(30);

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
    void aScheduledJobRunsOnceWhenDueOnTheSessionsLaneWithTheSessionCurrent() {
        String s = "job-" + UUID.randomUUID();
        long asked = System.nanoTime();
        kafka.send(s, "u1", "/remind 1000 hello");
        await().atMost(WAIT).until(() -> replies(s).contains("due: remind hello current=" + s));
        long tookMs = (System.nanoTime() - asked) / 1_000_000;
        assertEquals(List.of("scheduled hello", "due: remind hello current=" + s), replies(s));
        assertEquals(true, tookMs >= 1000, "not before it is due (" + tookMs + " ms)");

        kafka.send(s, "u1", "after");
        await().atMost(WAIT).until(() -> kafka.of(s, TurnEnded.class).size() == 3);
        assertEquals("#2: after", replies(s).getLast(), "the job's turn kept the session's data");
        assertEquals(1, kafka.of(s, InboundDue.class).size(), "fired once");
    }

    @Test
    void aTurnThatFailsSchedulesNothing() {
        String s = "job-" + UUID.randomUUID();
        kafka.send(s, "u1", "/remind-and-throw lost");
        await().atMost(WAIT).until(() -> kafka.of(s, TurnFailed.class).size() == 1);
        kafka.send(s, "u1", "/remind 0 marker");
        await().atMost(WAIT).until(() -> replies(s).contains("due: remind marker current=" + s));
        assertEquals(List.of("scheduled marker", "due: remind marker current=" + s), replies(s),
                "the failed turn's job was never kept");
    }

    @Test
    void aBackgroundTaskSeesItsSessionAndThePooledThreadSeesNoneAfterwards() throws Exception {
        String s = "bg-" + UUID.randomUUID();
        kafka.send(s, "u1", "/background");
        await().atMost(WAIT).until(() -> replies(s).contains("background saw " + s + " of u1"));
        // The same pooled thread, given a task by code with no session: it must not see u1's.
        assertEquals("none", TestApp.oneThread().supplyAsync(TestApp.Helper::sessionIdOrNone).get());
    }

    @Test
    void aPoolThreadStartedDuringOneUsersTurnNeverSeesThatSessionLater() {
        String first = "pool-" + UUID.randomUUID();
        String second = "pool-" + UUID.randomUUID();
        kafka.send(first, "u1", "/plain-pool");
        await().atMost(WAIT).until(() -> replies(first).size() == 1);
        kafka.send(second, "u2", "/plain-pool");
        await().atMost(WAIT).until(() -> replies(second).size() == 1);
        assertEquals(List.of("plain pool saw none"), replies(first), "a thread does not inherit the session");
        assertEquals(List.of("plain pool saw none"), replies(second), "nor does it keep another user's");
    }

    private List<String> replies(String s) {
        return kafka.of(s, Reply.class).stream().map(Reply::text).toList();
    }
}
