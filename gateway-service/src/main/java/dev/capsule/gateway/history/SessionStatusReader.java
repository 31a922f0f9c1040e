package dev.capsule.gateway.history;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capsule.events.EventCodec;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;

/**
 * Reads a session's status from PostgreSQL, the read model persistence-service folds {@code SessionOpened},
 * {@code SessionClosed} and each turn's {@code StateChanged} (its last activity) into. A session is closed
 * when its latest close is not older than its latest opening: the next message opens a new life. Read from the owner's claim, so that a session
 * whose first events are not folded yet is still found (open, its creation the claim's time).
 */
@ApplicationScoped
public class SessionStatusReader {

    private static final String STATUS = """
            SELECT s.channel, COALESCE(s.opened_at, o.claimed_at) AS created_at, s.closed_at,
                   s.closed_at IS NOT NULL AND s.closed_at >= COALESCE(s.last_opened_at, s.opened_at, s.closed_at) AS closed,
                   GREATEST(s.last_activity_at, s.last_opened_at, s.closed_at, s.opened_at, o.claimed_at) AS last_activity_at
            FROM session_owners o LEFT JOIN sessions s ON s.session_id = o.session_id
            WHERE o.session_id = $1""";

    private final Pool pool;

    SessionStatusReader(Pool pool) {
        this.pool = pool;
    }

    /** {@code {"sessionId","status","channel","createdAt","lastActivityAt","closedAt"}}; call after checking the owner. */
    public Uni<ObjectNode> of(String sessionId) {
        return pool.preparedQuery(STATUS).execute(Tuple.of(sessionId)).map(rows -> {
            ObjectNode status = EventCodec.mapper().createObjectNode().put("sessionId", sessionId);
            Row row = rows.iterator().hasNext() ? rows.iterator().next() : null;
            boolean closed = row != null && Boolean.TRUE.equals(row.getBoolean("closed"));
            status.put("status", closed ? "closed" : "open");
            status.put("channel", row == null ? null : row.getString("channel"));
            status.put("createdAt", instant(row, "created_at"));
            status.put("lastActivityAt", instant(row, "last_activity_at"));
            status.put("closedAt", closed ? instant(row, "closed_at") : null);
            return status;
        });
    }

    private static String instant(Row row, String column) {
        OffsetDateTime at = row == null ? null : row.getOffsetDateTime(column);
        return at == null ? null : at.toInstant().toString();
    }
}
