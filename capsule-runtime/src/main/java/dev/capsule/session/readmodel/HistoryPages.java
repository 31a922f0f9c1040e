package dev.capsule.session.readmodel;

import dev.capsule.sdk.HistoryEntry;
import dev.capsule.session.state.StoreUnavailableException;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Older pages of a session's history, from PostgreSQL: what lies beyond the recent window
 * kept in the session state. Same order as the history API: by time, a turn's events by seq.
 */
@ApplicationScoped
public class HistoryPages {

    private static final int MAX = 500;
    private static final String BEFORE = """
            SELECT m.event_id, m.role, m.text, m.created_at FROM messages m, messages pivot
            WHERE pivot.event_id = $2 AND pivot.session_id = $1 AND m.session_id = $1
              AND (m.created_at, COALESCE(m.seq, 0), m.position) < (pivot.created_at, COALESCE(pivot.seq, 0), pivot.position)
            ORDER BY m.created_at DESC, m.seq DESC NULLS LAST, m.position DESC
            LIMIT $3""";

    private final Pool pool;

    HistoryPages(Pool pool) {
        this.pool = pool;
    }

    public List<HistoryEntry> before(String sessionId, String messageId, int limit) {
        if (limit < 1 || limit > MAX) {
            throw new IllegalArgumentException("a history page holds 1 to " + MAX + " messages, not " + limit);
        }
        List<HistoryEntry> page = new ArrayList<>();
        RowSet<Row> rows = StoreUnavailableException.readingPostgres("the history of session " + sessionId,
                () -> pool.preparedQuery(BEFORE).execute(Tuple.of(sessionId, messageId, limit)).await().atMost(Duration.ofSeconds(10)));
        for (Row row : rows) {
            page.add(new HistoryEntry(row.getString("event_id"), HistoryEntry.Role.valueOf(row.getString("role").toUpperCase(Locale.ROOT)),
                    row.getString("text"), row.getOffsetDateTime("created_at").toInstant()));
        }
        Collections.reverse(page);
        return page;
    }
}
