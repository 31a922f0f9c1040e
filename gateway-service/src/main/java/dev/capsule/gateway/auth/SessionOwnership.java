package dev.capsule.gateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Which user a session id belongs to: a durable fact in PostgreSQL ({@code session_owners}),
 * decided once for every gateway replica by the table's primary key. Of two users racing for a
 * new id through two replicas, one insert wins and the other meets the conflict and is refused.
 *
 * <p>A claim that has carried a message ({@code used}) never changes again, so each replica keeps
 * it in a local cache: the hot path asks nothing of PostgreSQL for a session it knows. Redis plays
 * no part: with the claim final, a process-local copy is exact, and a second, shared cache would
 * only add a way to be wrong (an unused claim that expired and was taken by someone else).
 *
 * <p>A claim that has carried no message (a session created and never written in) holds its id for
 * {@link OwnershipConfig#unusedClaimTtl()}; after that another user may take it, and the replicas
 * purge such claims from time to time. It is never cached, so no replica keeps a claim that has moved.
 *
 * <p>A claim inserts the row, or takes the existing one when it is the same user's (marking it used
 * when the claim carries a message) or an unused claim past its time to live; another user's claim
 * stands. Claims that meet in time share one statement ({@link ClaimBatches}).
 */
@ApplicationScoped
public class SessionOwnership {

    private static final Logger LOG = Logger.getLogger(SessionOwnership.class);

    private static final String OWNER = "SELECT user_id, used FROM session_owners WHERE session_id = $1";
    private static final String PURGE = "DELETE FROM session_owners WHERE NOT used AND claimed_at < now() - make_interval(secs => $1)";

    private final Pool pool;
    private final Duration unusedTtl;
    private final ClaimBatches claims;
    /** Session id to the owner's user id, for claims that have carried a message: those never change. */
    private final Cache<String, String> finalOwners;

    SessionOwnership(Pool pool, OwnershipConfig config) {
        this.pool = pool;
        this.unusedTtl = config.unusedClaimTtl();
        // The cache's upkeep runs on the calling thread: left to the common pool, it woke a thread of it after writes.
        this.finalOwners = Caffeine.newBuilder().executor(Runnable::run).maximumSize(config.cacheSize()).build();
        this.claims = new ClaimBatches(pool, config.claimsPerStatement(), ttlSeconds());
    }

    /** What a user may do with a session id. */
    public enum Claim {
        /** The session is the user's, for good: a message has been accepted in it. */
        MINE,
        /**
         * The user's, but no message has been accepted in it yet: the claim lapses after its time
         * to live, so nothing should be bound to it that outlives that.
         */
        MINE_UNUSED,
        /** Another user owns it. */
        OTHERS,
        /** Nobody owns it (only a lookup answers this; a claim takes it). */
        NOBODY
    }

    /**
     * Claims {@code sessionId} for {@code userId} unless another user holds it; {@code withMessage}
     * when a message is about to be accepted under the claim, which makes it final. Completes once
     * PostgreSQL has the claim, so that nothing is published for a session before its owner is durable.
     */
    public Uni<Claim> claim(String sessionId, String userId, boolean withMessage) {
        String known = finalOwners.getIfPresent(sessionId);
        if (known != null) {
            return Uni.createFrom().item(known.equals(userId) ? Claim.MINE : Claim.OTHERS);
        }
        return claims.claim(sessionId, userId, withMessage).map(used -> {
            if (used.isEmpty()) {
                return Claim.OTHERS;
            }
            if (!used.get()) {
                return Claim.MINE_UNUSED;
            }
            finalOwners.put(sessionId, userId);
            return Claim.MINE;
        });
    }

    /** Who may read {@code sessionId}, without claiming it: reading is not claiming. */
    public Uni<Claim> lookUp(String sessionId, String userId) {
        String known = finalOwners.getIfPresent(sessionId);
        if (known != null) {
            return Uni.createFrom().item(known.equals(userId) ? Claim.MINE : Claim.OTHERS);
        }
        return pool.preparedQuery(OWNER).execute(Tuple.of(sessionId)).map(rows -> answer(sessionId, userId, rows));
    }

    private Claim answer(String sessionId, String userId, RowSet<Row> rows) {
        if (rows.rowCount() == 0) {
            return Claim.NOBODY;
        }
        Row row = rows.iterator().next();
        String owner = row.getString("user_id");
        boolean used = row.getBoolean("used");
        if (used) {
            finalOwners.put(sessionId, owner);
        }
        return !owner.equals(userId) ? Claim.OTHERS : used ? Claim.MINE : Claim.MINE_UNUSED;
    }

    /** The unused claims' time to live as PostgreSQL's make_interval takes it. */
    private double ttlSeconds() {
        return unusedTtl.toMillis() / 1000.0;
    }

    /** Deletes the unused claims past their time to live; answers how many. */
    public Uni<Integer> purgeUnusedClaims() {
        return pool.preparedQuery(PURGE).execute(Tuple.of(ttlSeconds())).map(RowSet::rowCount)
                .invoke(purged -> {
                    if (purged > 0) {
                        LOG.infof("purged %d session claims that carried no message within %s", purged, unusedTtl);
                    }
                });
    }

    @Scheduled(every = "${capsule.gateway.ownership.purge-every}", delayed = "PT1M",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> purgeOnSchedule() {
        return purgeUnusedClaims().replaceWithVoid()
                .onFailure().recoverWithUni(e -> {
                    LOG.warnf("purging expired session claims failed; the next period tries again: %s", e.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }
}
