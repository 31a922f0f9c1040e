package dev.capsule.session.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.capsule.events.HistoryLine;
import dev.capsule.events.UserRef;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The in-memory copies are dropped when partitions move, and a turn from before the move cannot put one back. */
class OwnedSessionsTest {

    private final OwnedSessions owned = new OwnedSessions(config(Duration.ofDays(1)));

    /** Settings of the state's copies: 100 sessions in memory for a minute, and {@code redisFor} in Redis. */
    static StateConfig config(Duration redisFor) {
        return config(100, Optional.empty(), redisFor);
    }

    static StateConfig config(long sessions, Optional<Long> bytes, Duration redisFor) {
        return new StateConfig() {
            @Override
            public long cachedSessions() {
                return sessions;
            }

            @Override
            public Optional<Long> cachedBytes() {
                return bytes;
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

    @Test
    void aPollsLookupIsTakenOnceByTheSessionsNextTurn() {
        owned.expect("s1", owned.generation(), CompletableFuture.completedFuture(new LookedUp(state("s1", 2), false)));
        assertEquals(2, owned.takeLookup("s1").orElseThrow().state().version());
        assertTrue(owned.takeLookup("s1").isEmpty(), "the turn after it asks alone: its own turn may have changed the state");
    }

    @Test
    void aLookupIsVoidedByASaveOfItsSessionAndByAnyMoveOfThePartitions() {
        CompletableFuture<LookedUp> nothing = CompletableFuture.completedFuture(new LookedUp(null, false));
        owned.expect("saved", owned.generation(), nothing);
        owned.remember(owned.generation(), state("saved", 1));
        assertTrue(owned.takeLookup("saved").isEmpty());

        owned.expect("refused", owned.generation(), nothing);
        owned.forget("refused");
        assertTrue(owned.takeLookup("refused").isEmpty());

        owned.expect("moved", owned.generation(), nothing);
        owned.forgetAll("partitions revoked");
        assertTrue(owned.takeLookup("moved").isEmpty());

        long before = owned.generation();
        owned.forgetAll("partitions assigned");
        owned.expect("late", before, nothing);
        assertTrue(owned.takeLookup("late").isEmpty(), "made under an assignment that has passed");
    }

    @Test
    void aFailedLookupLeavesTheTurnToAskAlone() {
        owned.expect("s1", owned.generation(), CompletableFuture.failedFuture(new IllegalStateException("Redis is down")));
        assertTrue(owned.takeLookup("s1").isEmpty());
    }

    @Test
    void copiesWithLongHistoriesFitFewerSoThatTheHeapIsBoundedNotOnlyTheCount() {
        OwnedSessions small = new OwnedSessions(config(100, Optional.of(200_000L), Duration.ofDays(1)));
        List<HistoryLine> window = IntStream.range(0, 50)
                .mapToObj(i -> new HistoryLine("e" + i, "user", "x".repeat(200), Instant.now())).toList();
        for (int i = 0; i < 100; i++) {
            small.remember(small.generation(), withHistory(state("s" + i, 1), window));
        }
        long kept = small.size();
        assertTrue(kept > 0 && kept <= 200_000 / OwnedSessions.weight(withHistory(state("x", 1), window)),
                "about 28 kB each within 200 kB: " + kept);
    }

    @Test
    void theCountStillBoundsCopiesThatWeighLittle() {
        OwnedSessions few = new OwnedSessions(config(10, Optional.of(100_000_000L), Duration.ofDays(1)));
        for (int i = 0; i < 50; i++) {
            few.remember(few.generation(), state("s" + i, 1));
        }
        assertTrue(few.size() <= 10, "at most cached-sessions: " + few.size());
    }

    private static SessionState withHistory(SessionState s, List<HistoryLine> history) {
        return new SessionState(s.sessionId(), s.user(), s.channel(), s.createdAt(), s.version(), s.data(), history,
                s.outboundSeq(), s.recentInbound(), s.closedAt(), s.handledUpTo());
    }

    private static SessionState state(String sessionId, long version) {
        return new SessionState(sessionId, new UserRef("u1", null, "u1"), "api", Instant.now(), version,
                JsonNodeFactory.instance.objectNode(), List.of(), 0, List.of(), null, null);
    }
}
