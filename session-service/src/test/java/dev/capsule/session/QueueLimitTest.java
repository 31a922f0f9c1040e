package dev.capsule.session;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.events.InboundMessage;
import dev.capsule.events.Reply;
import dev.capsule.events.Topics;
import dev.capsule.events.TurnEnded;
import dev.capsule.events.TurnFailed;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.PostgresResource;
import dev.capsule.testing.PrometheusText;
import dev.capsule.testing.RedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * A session's queue is bounded: past it, a message is answered {@code session_busy} at once, and the session goes on.
 * The metrics show the queue's depth and count the refusals.
 */
@QuarkusTest
@TestProfile(QueueLimitTest.ThreeWaiting.class)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class QueueLimitTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    public static class ThreeWaiting implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("capsule.session.max-queued-per-session", "3");
        }
    }

    @Test
    void messagesPastTheQueueAreRefusedAsBusyInOrderAndTheSessionGoesOn() {
        try (KafkaTestClient kafka = new KafkaTestClient(Topics.OUTBOUND)) {
            String s = "busy-" + UUID.randomUUID();
            String other = "calm-" + UUID.randomUUID();
            TestApp.gate = new CountDownLatch(1);
            kafka.send(s, "u1", "/wait");
            await().atMost(WAIT).until(() -> TestApp.waiting.get() == 1);
            List<InboundMessage> sent = List.of(kafka.send(s, "u1", "a"), kafka.send(s, "u1", "b"), kafka.send(s, "u1", "c"),
                    kafka.send(s, "u1", "d"), kafka.send(s, "u1", "e"));
            // Another session goes on meanwhile; the refusals take their place in the busy session's order.
            kafka.send(other, "u2", "hello");
            await().atMost(WAIT).until(() -> kafka.of(other, Reply.class).size() == 1);
            // The queue depth shows the three waiting turns and the two refusals behind them; the refusals are counted.
            // At least: the service's metrics also count what other tests left on capsule.inbound, redelivered to it.
            await().atMost(WAIT).until(() -> PrometheusText.value(metrics(), "capsule_turns_queued") >= 5);
            assertTrue(PrometheusText.value(metrics(), "capsule_messages_refused_total\\{reason=\"session_busy\"[^}]*}") >= 2);
            TestApp.gate.countDown();
            await().atMost(WAIT).until(() -> kafka.of(s, TurnEnded.class).size() == 4 && kafka.of(s, TurnFailed.class).size() == 2);
            await().atMost(WAIT).until(() -> PrometheusText.value(metrics(), "capsule_turns_queued") == 0);

            assertEquals(List.of("#1: waited", "#2: a", "#3: b", "#4: c"), kafka.of(s, Reply.class).stream().map(Reply::text).toList());
            List<TurnFailed> refused = kafka.of(s, TurnFailed.class);
            assertEquals(List.of("session_busy", "session_busy"), refused.stream().map(TurnFailed::error).toList());
            assertEquals(List.of(sent.get(3).eventId(), sent.get(4).eventId()), refused.stream().map(TurnFailed::inReplyTo).toList());
            long lastReply = kafka.of(s, Reply.class).getLast().seq();
            assertTrue(refused.getFirst().seq() > lastReply, "the refusals come after the answers before them");

            // Drained, the session takes messages again, and the refused ones changed nothing in its data.
            kafka.send(s, "u1", "f");
            await().atMost(WAIT).until(() -> kafka.of(s, Reply.class).size() == 5);
            assertEquals("#5: f", kafka.of(s, Reply.class).getLast().text());
        }
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }
}
