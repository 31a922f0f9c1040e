package dev.capsule.persistence.fold;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capsule.persistence.fold.EventFolds.Write;
import dev.capsule.persistence.fold.SetWrites.Statement;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A poll's writes become one statement for its messages, one for its snapshots, and runs of the rest. */
class SetWritesTest {

    static final OffsetDateTime AT = OffsetDateTime.of(2026, 11, 28, 12, 0, 0, 0, ZoneOffset.UTC);

    @Test
    void messagesGoTogetherInTheirOrderAndEachSessionKeepsItsHighestSnapshot() {
        List<Statement> statements = SetWrites.of(List.of(
                message("m1", "s1", null), snapshot("s1", 2), message("m2", "s2", "{\"kind\":\"card\"}"),
                snapshot("s1", 3), snapshot("s2", 1), snapshot("s1", 1), message("m3", "s1", null),
                new Write("OTHER", Tuple.of("a")), new Write("OTHER", Tuple.of("b")), new Write("THIRD", Tuple.of("c"))));

        assertEquals(List.of(SetWrites.INSERT_MESSAGES, SetWrites.PUT_SNAPSHOTS, "OTHER", "THIRD"),
                statements.stream().map(Statement::sql).toList());
        Tuple messages = statements.get(0).args().getFirst();
        assertArrayEquals(new String[] {"m1", "m2", "m3"}, (String[]) messages.getValue(0));
        assertArrayEquals(new String[] {null, "{\"kind\":\"card\"}", null}, (String[]) messages.getValue(5));
        Tuple snapshots = statements.get(1).args().getFirst();
        assertArrayEquals(new String[] {"s1", "s2"}, (String[]) snapshots.getValue(0));
        assertArrayEquals(new Long[] {3L, 1L}, (Long[]) snapshots.getValue(2));
        assertEquals(2, statements.get(2).args().size(), "a run of one statement is one batch");
    }

    @Test
    void aPollWithoutMessagesOrSnapshotsHasNoStatementForThem() {
        assertEquals(List.of("OTHER"), SetWrites.of(List.of(new Write("OTHER", Tuple.of("a")))).stream().map(Statement::sql).toList());
    }

    private static Write message(String id, String session, String block) {
        return new Write(EventFolds.INSERT_MESSAGE, Tuple.from(new Object[] {id, session, "app", block == null ? "text" : "block",
                "hi", block, "in", 1L, null, AT, null}));
    }

    private static Write snapshot(String session, long version) {
        return new Write(EventFolds.SNAPSHOT, Tuple.of(session, "{\"v\":" + version + "}", version, null, AT));
    }
}
