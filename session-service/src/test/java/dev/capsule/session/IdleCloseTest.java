package dev.capsule.session;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.events.EventMeta;
import dev.capsule.session.idle.IdleReaper;
import dev.capsule.events.InboundClose;
import dev.capsule.events.Reply;
import dev.capsule.events.SessionClosed;
import dev.capsule.events.Topics;
import dev.capsule.events.TraceContext;
import dev.capsule.events.TurnEnded;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.PostgresResource;
import dev.capsule.testing.RedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quartz.Scheduler;

/**
 * Idle closes (capsule.session.idle-timeout is PT3S in the test profile): the reaper finds the session
 * idle in PostgreSQL and asks its lane to close it; the lane closes it, running exit() once, only if
 * the session is still idle by its own state. No persistence-service runs here, so a test writes the
 * row persistence-service would have folded.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class IdleCloseTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    Pool pool;

    @Inject
    IdleReaper reaper;

    @Inject
    Scheduler quartz;

    KafkaTestClient kafka;

    @BeforeEach
    void connect() {
        kafka = new KafkaTestClient(Topics.INBOUND, Topics.OUTBOUND, Topics.CHANGES);
    }

    @AfterEach
    void disconnect() {
        kafka.close();
    }

    @Test
    void replicasStartingAtOnceEachStoreTheSweepWithoutFailing() throws Exception {
        // What eight replicas starting together do at start; each replaces the job under Quartz's lock.
        ExecutorService starts = Executors.newFixedThreadPool(8);
        try {
            List<Future<Void>> started = IntStream.range(0, 8).mapToObj(i -> starts.submit(() -> {
                reaper.schedule(null, quartz);
                return (Void) null;
            })).toList();
            for (Future<Void> start : started) {
                start.get(30, TimeUnit.SECONDS);
            }
        } finally {
            starts.shutdownNow();
        }
        assertEquals(1, quartz.getTriggersOfJob(IdleReaper.JOB).size(), "one sweep for the cluster");
    }

    @Test
    void aSessionIdlePastItsTimeoutIsClosedOnceWithItsExitAndTheNextMessageIsANewLife() {
        String s = "idle-" + UUID.randomUUID();
        kafka.send(s, "u1", "hello");
        await().atMost(WAIT).until(() -> kafka.of(s, TurnEnded.class).size() == 1);
        FoldedRows.openSession(pool, s, "u1", OffsetDateTime.now(ZoneOffset.UTC));

        await().atMost(WAIT).until(() -> kafka.of(s, SessionClosed.class).size() == 1);
        assertEquals(SessionClosed.IDLE, kafka.of(s, SessionClosed.class).getFirst().reason());
        assertEquals(List.of("#1: hello", "exit: turns=1 history=2"), replies(s), "exit() ran with the life's data and history");

        // The row still says open (nothing folds the close here): sweeps go on finding it, and change nothing.
        kafka.send(s, "u1", "marker");
        await().atMost(WAIT).until(() -> kafka.of(s, TurnEnded.class).size() == 3);
        assertEquals("#1: marker", replies(s).getLast(), "the next message is a new life, with empty data");
        assertEquals(1, kafka.of(s, SessionClosed.class).size(), "exit() ran once");
    }

    @Test
    void anIdleCloseThatFindsTheSessionActiveAgainLeavesItOpen() {
        String s = "idle-" + UUID.randomUUID();
        kafka.send(s, "u1", "hello");
        await().atMost(WAIT).until(() -> kafka.of(s, TurnEnded.class).size() == 1);
        // As a sweep that read a lagging fold would: the session was active a moment ago.
        kafka.sendRaw(InboundClose.idle(EventMeta.next(s, TraceContext.NONE), KafkaTestClient.user("u1")));
        kafka.send(s, "u1", "still here");
        await().atMost(WAIT).until(() -> kafka.of(s, TurnEnded.class).size() == 2);
        assertEquals("#2: still here", replies(s).getLast(), "the session and its data went on");
        assertTrue(kafka.of(s, SessionClosed.class).isEmpty());
    }

    private List<String> replies(String s) {
        return kafka.of(s, Reply.class).stream().map(Reply::text).toList();
    }
}
