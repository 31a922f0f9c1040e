package dev.capsule.persistence.fold;

import dev.capsule.persistence.fold.EventFolds.Write;
import io.vertx.mutiny.sqlclient.Tuple;
import java.lang.reflect.Array;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A polled batch's writes as few statements as they can be: every message of the batch in one
 * {@code INSERT … SELECT FROM unnest(…)}, every session snapshot in another, and the rarer writes
 * (sessions opened and closed, documents) as they come, each run of one statement as one batch.
 * PostgreSQL then plans and runs two statements per poll for the bulk of the events instead of one
 * per event. The groups commute: they write different tables or columns, every write is
 * idempotent, and a snapshot only ever moves to a higher version.
 */
final class SetWrites {

    /** The messages, in the batch's order: {@code position} (arrival order) follows the arrays' order. */
    static final String INSERT_MESSAGES = """
            INSERT INTO messages (event_id, session_id, role, kind, text, block, in_reply_to, seq, user_id, created_at, inbound_offset)
            SELECT m.event_id, m.session_id, m.role, m.kind, m.text, m.block::jsonb, m.in_reply_to, m.seq, m.user_id, m.created_at,
                   m.inbound_offset
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[],
                        $9::text[], $10::timestamptz[], $11::bigint[]) WITH ORDINALITY
                 AS m(event_id, session_id, role, kind, text, block, in_reply_to, seq, user_id, created_at, inbound_offset, n)
            ORDER BY m.n
            ON CONFLICT (event_id) DO NOTHING""";

    /** One snapshot per session (its highest version in the batch): a statement may not update a row twice. */
    static final String PUT_SNAPSHOTS = """
            INSERT INTO sessions (session_id, data, data_version, snapshot, last_activity_at)
            SELECT s.session_id, s.data::jsonb, s.data_version, s.snapshot::jsonb, s.last_activity_at
            FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::timestamptz[])
                 AS s(session_id, data, data_version, snapshot, last_activity_at)
            ON CONFLICT (session_id) DO UPDATE SET data = EXCLUDED.data, data_version = EXCLUDED.data_version,
                snapshot = COALESCE(EXCLUDED.snapshot, sessions.snapshot),
                last_activity_at = GREATEST(sessions.last_activity_at, EXCLUDED.last_activity_at)
            WHERE sessions.data_version < EXCLUDED.data_version""";

    /** A statement and the argument tuples it runs with, as one batch. */
    record Statement(String sql, List<Tuple> args) {
    }

    private SetWrites() {
    }

    /** The statements that make {@code writes}: at most one for all messages, one for all snapshots, then the rest by runs. */
    static List<Statement> of(List<Write> writes) {
        List<Tuple> messages = new ArrayList<>();
        Map<String, Tuple> snapshots = new LinkedHashMap<>();
        List<Statement> statements = new ArrayList<>();
        List<Statement> others = new ArrayList<>();
        for (Write w : writes) {
            if (w.sql().equals(EventFolds.INSERT_MESSAGE)) {
                messages.add(w.args());
            } else if (w.sql().equals(EventFolds.SNAPSHOT)) {
                snapshots.merge(w.args().getString(0), w.args(),
                        (kept, next) -> next.getLong(2) > kept.getLong(2) ? next : kept);
            } else if (!others.isEmpty() && others.getLast().sql().equals(w.sql())) {
                others.getLast().args().add(w.args());
            } else {
                others.add(new Statement(w.sql(), new ArrayList<>(List.of(w.args()))));
            }
        }
        if (!messages.isEmpty()) {
            statements.add(new Statement(INSERT_MESSAGES, List.of(messagesAsArrays(messages))));
        }
        if (!snapshots.isEmpty()) {
            statements.add(new Statement(PUT_SNAPSHOTS, List.of(snapshotsAsArrays(List.copyOf(snapshots.values())))));
        }
        statements.addAll(others);
        return statements;
    }

    /** The rows of {@link EventFolds#INSERT_MESSAGE}, column by column. */
    private static Tuple messagesAsArrays(List<Tuple> rows) {
        return columns(rows, String.class, String.class, String.class, String.class, String.class, String.class,
                String.class, Long.class, String.class, OffsetDateTime.class, Long.class);
    }

    /** The rows of {@link EventFolds#SNAPSHOT}, column by column. */
    private static Tuple snapshotsAsArrays(List<Tuple> rows) {
        return columns(rows, String.class, String.class, Long.class, String.class, OffsetDateTime.class);
    }

    /** One array per column, of that column's type, holding the rows' values in order: the arguments of {@code unnest}. */
    private static Tuple columns(List<Tuple> rows, Class<?>... types) {
        Object[] columns = new Object[types.length];
        for (int c = 0; c < types.length; c++) {
            Object column = Array.newInstance(types[c], rows.size());
            for (int r = 0; r < rows.size(); r++) {
                Array.set(column, r, types[c].cast(rows.get(r).getValue(c)));
            }
            columns[c] = column;
        }
        return Tuple.from(columns);
    }
}
