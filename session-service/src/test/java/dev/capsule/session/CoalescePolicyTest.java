package dev.capsule.session;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.events.InboundMessage;
import dev.capsule.events.Reply;
import dev.capsule.events.Topics;
import dev.capsule.events.TurnEnded;
import dev.capsule.session.inbound.InboundConsumer;
import dev.capsule.session.lanes.SessionLanes;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.PostgresResource;
import dev.capsule.testing.RedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Double-texting under the coalesce policy: messages sent during a turn are answered together. */
@QuarkusTest
@TestProfile(CoalescePolicyTest.Policy.class)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class CoalescePolicyTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    public static class Policy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("capsule.session.double-texting", "coalesce");
        }
    }

    KafkaTestClient kafka;

    @BeforeEach
    void connect() {
        TestApp.gate = new CountDownLatch(1);
        kafka = new KafkaTestClient(Topics.OUTBOUND);
    }

    @AfterEach
    void disconnect() {
        TestApp.gate = new CountDownLatch(0);
        kafka.close();
    }

    /** A new session whose first turn ("/wait") runs until the gate opens: only messages that arrive during a turn are coalesced. */
    @Inject
    InboundConsumer inbound;

    @Inject
    SessionLanes lanes;

    String sessionInATurn() {
        String s = "dt-" + UUID.randomUUID();
        kafka.send(s, "u1", "/wait");
        await().atMost(WAIT).until(() -> TestApp.waiting.get() == 1);
        return s;
    }

    @Test
    void messagesThatArriveDuringATurnAreAnsweredTogetherInOneTurn() {
        String s = sessionInATurn();
        InboundMessage a = kafka.send(s, "u1", "a");
        InboundMessage b = kafka.send(s, "u1", "b");
        InboundMessage c = kafka.send(s, "u1", "c");
        // Each of a and b gets its turn's end (so a waiting request returns); c carries the answer. The gate opens once
        // all three have been taken off Kafka: opened before, the turn would start with what had come so far.
        await().atMost(WAIT).until(() -> inbound.waitingToCoalesce(s) == 3);
        TestApp.gate.countDown();
        await().atMost(WAIT).until(() -> kafka.of(s, TurnEnded.class).size() == 4);
        assertEquals(List.of("#1: waited", "#2: a\nb\nc"), kafka.of(s, Reply.class).stream().map(Reply::text).toList());
        assertEquals(c.eventId(), kafka.of(s, Reply.class).get(1).inReplyTo());
        List<String> ended = kafka.of(s, TurnEnded.class).stream().map(TurnEnded::inReplyTo).toList();
        assertTrue(ended.containsAll(List.of(a.eventId(), b.eventId(), c.eventId())), ended.toString());
    }

    @Test
    void aPressThatArrivesDuringATurnIsAnsweredAloneAndSplitsTheTextAroundIt() {
        String s = sessionInATurn();
        kafka.send(s, "u1", "a");
        kafka.send(s, "u1", "b");
        kafka.press(s, "u1", "done", "Mark done");
        kafka.send(s, "u1", "c");
        // a and b in one batch, the press alone, c in a batch of its own: all taken off Kafka before the gate opens.
        await().atMost(WAIT).until(() -> lanes.waiting(s) == 3 && inbound.waitingToCoalesce(s) == 1);
        TestApp.gate.countDown();
        await().atMost(WAIT).until(() -> kafka.of(s, TurnEnded.class).size() == 5);
        assertEquals(List.of("#1: waited", "#2: a\nb", "pressed done (Mark done); text Mark done; history Mark done", "#4: c"),
                kafka.of(s, Reply.class).stream().map(Reply::text).toList());
    }
}
