package dev.capsule.session;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.events.Reply;
import dev.capsule.events.StreamChunk;
import dev.capsule.events.StreamEnd;
import dev.capsule.events.Topics;
import dev.capsule.events.TurnEnded;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.PostgresResource;
import dev.capsule.testing.RedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Double-texting under the interrupt policy: a new message cuts the running turn short. */
@QuarkusTest
@TestProfile(InterruptPolicyTest.Policy.class)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class InterruptPolicyTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    public static class Policy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("capsule.session.double-texting", "interrupt");
        }
    }

    @Test
    void aNewMessageCutsTheRunningStreamShortAndIsAnsweredNext() {
        try (KafkaTestClient kafka = new KafkaTestClient(Topics.OUTBOUND)) {
            String s = "dt-" + UUID.randomUUID();
            kafka.send(s, "u1", "/slowstream");
            await().atMost(WAIT).until(() -> kafka.of(s, StreamChunk.class).size() >= 3);
            kafka.send(s, "u1", "stop, please");
            await().atMost(WAIT).until(() -> kafka.of(s, TurnEnded.class).size() == 2);
            StreamEnd end = kafka.of(s, StreamEnd.class).get(0);
            assertTrue(end.cancelled(), "the stream ended as cancelled");
            assertTrue(end.chunks() < 200, "the stream stopped early: " + end.chunks() + " chunks");
            assertEquals(List.of("#2: stop, please"), kafka.of(s, Reply.class).stream().map(Reply::text).toList());
            assertTrue(kafka.of(s, Reply.class).get(0).seq() > end.seq(), "the answer comes after the cut stream");
        }
    }
}
