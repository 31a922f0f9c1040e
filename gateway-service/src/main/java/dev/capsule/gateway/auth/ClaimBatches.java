package dev.capsule.gateway.auth;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Sends the claims of new sessions to PostgreSQL one statement at a time: the first claim goes at
 * once, and those that arrive while a statement is in flight go together in the next, one
 * transaction for all of them. A burst of new sessions then costs PostgreSQL one commit per
 * statement instead of one per session, and no claim waits for a timer.
 *
 * <p>Each row is decided as a claim alone would be (the statement is {@link SessionOwnership}'s
 * claim over arrays). Two claims of one session id never share a statement, since a row may be
 * changed once per statement: the later waits for the next. The rows go in session-id order, so
 * two replicas' statements take the ids' locks in one order and cannot deadlock.
 */
final class ClaimBatches {

    /** The claim of {@link SessionOwnership}, one row per element of the arrays; answers the rows it holds. */
    private static final String CLAIMS = """
            INSERT INTO session_owners AS o (session_id, user_id, used)
            SELECT c.session_id, c.user_id, c.used FROM unnest($1::text[], $2::text[], $3::boolean[]) AS c(session_id, user_id, used)
            ORDER BY c.session_id
            ON CONFLICT (session_id) DO UPDATE SET user_id = EXCLUDED.user_id, used = o.used OR EXCLUDED.used,
                claimed_at = CASE WHEN o.user_id = EXCLUDED.user_id THEN o.claimed_at ELSE EXCLUDED.claimed_at END
            WHERE o.user_id = EXCLUDED.user_id OR (NOT o.used AND o.claimed_at < now() - make_interval(secs => $4))
            RETURNING session_id, used""";

    /** One claim waiting for its statement, and where its caller runs: its answer is given there. */
    private record Waiting(String sessionId, String userId, boolean withMessage, Context context,
                           UniEmitter<? super Optional<Boolean>> answer) {

        void give(Optional<Boolean> used) {
            onCallersContext(() -> answer.complete(used));
        }

        void fail(Throwable failure) {
            onCallersContext(() -> answer.fail(failure));
        }

        private void onCallersContext(Runnable step) {
            if (context == null || context == Vertx.currentContext()) {
                step.run();
            } else {
                context.runOnContext(ignored -> step.run());
            }
        }
    }

    private final Pool pool;
    private final int maxPerStatement;
    private final double ttlSeconds;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    /** Whether a statement is in flight; guarded by {@link #waiting}. */
    private boolean sending;

    ClaimBatches(Pool pool, int maxPerStatement, double ttlSeconds) {
        if (maxPerStatement < 1) {
            throw new IllegalArgumentException("capsule.gateway.ownership.claims-per-statement must be 1 or more, not "
                    + maxPerStatement);
        }
        this.pool = pool;
        this.maxPerStatement = maxPerStatement;
        this.ttlSeconds = ttlSeconds;
    }

    /**
     * Claims {@code sessionId} for {@code userId}; answers whether the claim has carried a message
     * ({@code used}) once PostgreSQL has it, or empty when another user's claim stands.
     */
    Uni<Optional<Boolean>> claim(String sessionId, String userId, boolean withMessage) {
        return Uni.createFrom().emitter(answer -> {
            synchronized (waiting) {
                waiting.add(new Waiting(sessionId, userId, withMessage, Vertx.currentContext(), answer));
            }
            sendNext();
        });
    }

    /** Sends the waiting claims, unless a statement is in flight: its end sends them. */
    private void sendNext() {
        List<Waiting> batch = new ArrayList<>();
        synchronized (waiting) {
            if (sending || waiting.isEmpty()) {
                return;
            }
            Set<String> ids = new HashSet<>();
            for (Iterator<Waiting> it = waiting.iterator(); it.hasNext() && batch.size() < maxPerStatement; ) {
                Waiting next = it.next();
                if (ids.add(next.sessionId())) {
                    batch.add(next);
                    it.remove();
                }
            }
            sending = true;
        }
        batch.sort(Comparator.comparing(Waiting::sessionId));
        String[] sessions = new String[batch.size()];
        String[] users = new String[batch.size()];
        Boolean[] used = new Boolean[batch.size()];
        for (int i = 0; i < sessions.length; i++) {
            sessions[i] = batch.get(i).sessionId();
            users[i] = batch.get(i).userId();
            used[i] = batch.get(i).withMessage();
        }
        Uni<RowSet<Row>> statement;
        try {
            statement = pool.preparedQuery(CLAIMS).execute(Tuple.of(sessions, users, used, ttlSeconds));
        } catch (RuntimeException e) {
            statement = Uni.createFrom().failure(e);
        }
        statement.subscribe().with(rows -> {
            Map<String, Boolean> held = new HashMap<>();
            for (Row row : rows) {
                held.put(row.getString("session_id"), row.getBoolean("used"));
            }
            finished();
            batch.forEach(claim -> claim.give(Optional.ofNullable(held.get(claim.sessionId()))));
        }, failure -> {
            finished();
            batch.forEach(claim -> claim.fail(failure));
        });
    }

    private void finished() {
        synchronized (waiting) {
            sending = false;
        }
        sendNext();
    }
}
