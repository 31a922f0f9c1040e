package dev.capsule.session.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.capsule.events.UserRef;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The in-memory copies are dropped when partitions move, and a turn from before the move cannot put one back. */
class OwnedSessionsTest {

    private final OwnedSessions owned = new OwnedSessions(config(Duration.ofDays(1)));

    /** Settings of the state's copies: 100 sessions in memory for a minute, and {@code redisFor} in Redis. */
    static OwnedSessions.Config config(Duration redisFor) {
        return new OwnedSessions.Config() {
            @Override
            public long cachedSessions() {
                return 100;
            }

            @Override
            public Duration cachedFor() {
                return Duration.ofMinutes(1);
            }

            @Override
            public Duration redisFor() {
                return redisFor;
            }
        };
    }

    @Test
    void aSavedStateIsServedFromMemoryUntilThePartitionsMove() {
        owned.remember(owned.generation(), state("s1", 3));
        assertEquals(3, owned.get("s1").orElseThrow().version());

        owned.forgetAll("partitions revoked");
        assertTrue(owned.get("s1").isEmpty());
    }

    @Test
    void aTurnThatLoadedBeforeThePartitionsMovedDoesNotPutItsStateBack() {
        long loadedUnder = owned.generation();
        owned.forgetAll("partitions revoked");
        owned.remember(loadedUnder, state("s1", 4));
        assertTrue(owned.get("s1").isEmpty(), "another replica may have run the session since");

        owned.remember(owned.generation(), state("s1", 5));
        assertEquals(5, owned.get("s1").orElseThrow().version());
    }

    @Test
    void aRefusedSaveForgetsTheSession() {
        owned.remember(owned.generation(), state("s1", 1));
        owned.forget("s1");
        assertTrue(owned.get("s1").isEmpty());
    }

    private static SessionState state(String sessionId, long version) {
        return new SessionState(sessionId, new UserRef("u1", null, "u1"), "api", Instant.now(), version,
                JsonNodeFactory.instance.objectNode(), List.of(), 0, List.of(), null, null);
    }
}
