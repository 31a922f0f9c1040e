package dev.capsule.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Two gateway replicas batch their claims on their own, against one PostgreSQL: their statements
 * run at the same time over the same new sessions, and must neither deadlock nor both win a session.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class ClaimBatchesTest {

    private static final int SESSIONS = 200;

    @Inject
    Pool pool;

    @Test
    void twoReplicasClaimingTheSameNewSessionsInOppositeOrdersNeitherDeadlockNorBothWin() {
        ClaimBatches replicaA = new ClaimBatches(pool, 256, 3600);
        ClaimBatches replicaB = new ClaimBatches(pool, 256, 3600);
        for (int round = 0; round < 10; round++) {
            List<String> sessions = new ArrayList<>();
            for (int i = 0; i < SESSIONS; i++) {
                sessions.add("claims-" + UUID.randomUUID());
            }
            // A claims them first to last and B last to first, interleaved: after each one's first claim goes alone,
            // the rest wait and go together, A's and B's statements in flight at once over the same rows, which they
            // would lock in opposite orders if the batches were not sorted.
            List<Uni<Optional<Boolean>>> claims = new ArrayList<>();
            for (int i = 0; i < SESSIONS; i++) {
                claims.add(replicaA.claim(sessions.get(i), "alice", true));
                claims.add(replicaB.claim(sessions.get(SESSIONS - 1 - i), "bob", true));
            }
            List<Optional<Boolean>> answers = Uni.join().all(claims).andCollectFailures()
                    .await().atMost(Duration.ofSeconds(60));

            Map<String, String> owners = owners(sessions);
            for (int i = 0; i < SESSIONS; i++) {
                boolean alice = answers.get(2 * i).isPresent();
                boolean bob = answers.get(2 * (SESSIONS - 1 - i) + 1).isPresent();
                assertTrue(alice ^ bob, "round " + round + ": exactly one replica's claim of " + sessions.get(i)
                        + " wins; alice " + alice + ", bob " + bob);
                assertEquals(alice ? "alice" : "bob", owners.get(sessions.get(i)), "the winner's claim is the stored one");
            }
        }
    }

    private Map<String, String> owners(List<String> sessions) {
        Map<String, String> owners = new HashMap<>();
        for (Row row : pool.preparedQuery("SELECT session_id, user_id FROM session_owners WHERE session_id = ANY($1)")
                .executeAndAwait(Tuple.of(sessions.toArray(String[]::new)))) {
            owners.put(row.getString("session_id"), row.getString("user_id"));
        }
        return owners;
    }
}
