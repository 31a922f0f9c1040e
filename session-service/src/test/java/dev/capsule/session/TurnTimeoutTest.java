package dev.capsule.session;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capsule.events.Reply;
import dev.capsule.events.Topics;
import dev.capsule.events.TurnEnded;
import dev.capsule.events.TurnFailed;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A handler that never returns is interrupted at the turn timeout (two seconds here): its turn fails, the session goes on. */
@QuarkusTest
@TestProfile(TurnTimeoutTest.ShortTurns.class)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class TurnTimeoutTest {

    public static final class ShortTurns implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("capsule.session.turn-timeout", "PT2S");
        }
    }

    KafkaTestClient kafka;

    @BeforeEach
    void connect() {
        kafka = new KafkaTestClient(Topics.OUTBOUND);
    }

    @AfterEach
    void disconnect() {
        kafka.close();
    }

    @Test
    void aHandlerPastTheTurnTimeoutIsInterruptedItsTurnFailsAndTheSessionGoesOn() {
        String s = "hang-" + UUID.randomUUID();
        kafka.send(s, "u1", "/hang");
        kafka.send(s, "u1", "after");
        await().atMost(Duration.ofSeconds(20)).until(() -> kafka.of(s, TurnEnded.class).size() == 1);
        assertEquals(1, kafka.of(s, TurnFailed.class).size(), "the hung turn failed");
        assertEquals(List.of("#1: after"), kafka.of(s, Reply.class).stream().map(Reply::text).toList(),
                "nothing the hung handler said after its timeout went out, and its data change was dropped");
    }
}
