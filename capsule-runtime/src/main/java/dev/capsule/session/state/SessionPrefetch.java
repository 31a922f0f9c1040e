package dev.capsule.session.state;

import dev.capsule.session.readmodel.SnapshotReader;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Looks up together the sessions of one poll that this replica does not hold: one Redis pipeline
 * for all of them, then one PostgreSQL query for those Redis has no state of. Alone, each of
 * their turns would make these two round trips itself, and a burst of new sessions is a burst of
 * both. The first turn of each session to load takes its answer ({@link OwnedSessions#takeLookup}).
 *
 * <p>The answer is as exact as the turn's own reads would be, because nothing writes the session
 * in between: only sessions whose lane is idle are looked up (every write of a session's state is
 * a turn on its lane, on the replica that holds its partition), the next turn of the session takes
 * the answer and nobody else does, a save of the session voids it, and so does any change of
 * the assignment.
 */
@ApplicationScoped
public class SessionPrefetch {

    private final OwnedSessions owned;
    private final SessionStore store;
    private final SnapshotReader snapshots;

    SessionPrefetch(OwnedSessions owned, SessionStore store, SnapshotReader snapshots) {
        this.owned = owned;
        this.store = store;
        this.snapshots = snapshots;
    }

    /**
     * Starts the lookup of those of {@code sessionIds} that this replica does not hold; the caller names only sessions
     * with no turn under way or waiting. Returns at once.
     */
    public void lookUp(Collection<String> sessionIds) {
        long generation = owned.generation();
        List<String> missing = new ArrayList<>();
        for (String sessionId : sessionIds) {
            if (owned.get(sessionId).isEmpty()) {
                missing.add(sessionId);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        CompletableFuture<Map<String, Optional<SessionState>>> inRedis = store.loadAll(missing);
        CompletableFuture<Set<String>> inPostgres = inRedis.thenCompose(states -> {
            List<String> notInRedis = missing.stream().filter(id -> states.get(id).isEmpty()).toList();
            return notInRedis.isEmpty() ? CompletableFuture.completedFuture(Set.of()) : snapshots.known(notInRedis);
        });
        for (String sessionId : missing) {
            CompletableFuture<LookedUp> found = inPostgres.thenApply(known -> new LookedUp(
                    inRedis.join().get(sessionId).orElse(null), known.contains(sessionId)));
            owned.expect(sessionId, generation, found);
        }
    }
}
