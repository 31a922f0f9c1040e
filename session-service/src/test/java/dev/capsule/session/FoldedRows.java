package dev.capsule.session;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * The read model's row of a session as persistence-service folds it from SessionOpened and StateChanged: no
 * persistence-service runs in session-service's tests, so those that read the table (the idle reaper, the
 * recurring fan-out) write it themselves.
 */
final class FoldedRows {

    private FoldedRows() {
    }

    /** An open session of {@code user} (its owner too), last active at {@code lastActivity}. */
    static void openSession(Pool pool, String sessionId, String user, OffsetDateTime lastActivity) {
        pool.preparedQuery("""
                INSERT INTO sessions (session_id, user_id, owner_id, channel, opened_at, last_opened_at, last_activity_at)
                VALUES ($1, $2, $2, 'api', $3, $3, $3)""").execute(Tuple.of(sessionId, user, lastActivity))
                .await().atMost(Duration.ofSeconds(10));
    }
}
