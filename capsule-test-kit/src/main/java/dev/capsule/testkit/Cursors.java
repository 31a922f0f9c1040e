package dev.capsule.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * The page cursors of {@link Find}, of the same two kinds as the runtime's: an offset for a
 * query ordered by a field, the last document's creation time and id for one ordered by
 * creation (so that documents inserted between pages neither repeat nor go missing). A cursor
 * of the other kind came from another order, and is refused as the runtime refuses it.
 */
final class Cursors {

    /** Where a page ordered by creation time stopped. */
    record Keyset(Instant createdAt, String id) {
    }

    private static final String OFFSET = "o|";
    private static final String KEYSET = "t|";

    private Cursors() {
    }

    static String ofOffset(long offset) {
        return encode(OFFSET + offset);
    }

    static String ofKeyset(Instant createdAt, String id) {
        return encode(KEYSET + createdAt + "|" + id);
    }

    static long offset(String cursor) {
        try {
            long offset = Long.parseLong(payload(cursor, OFFSET));
            if (offset >= 0) {
                return offset;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw badCursor();
    }

    static Keyset keyset(String cursor) {
        String[] parts = payload(cursor, KEYSET).split("\\|", 2);
        try {
            return new Keyset(Instant.parse(parts[0]), parts[1]);
        } catch (DateTimeParseException | ArrayIndexOutOfBoundsException e) {
            throw badCursor();
        }
    }

    private static String encode(String raw) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    private static String payload(String cursor, String kind) {
        String raw;
        try {
            raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw badCursor();
        }
        if (!raw.startsWith(kind)) {
            throw badCursor();
        }
        return raw.substring(kind.length());
    }

    private static IllegalArgumentException badCursor() {
        return new IllegalArgumentException("that cursor is not one a page of this query gave out: "
                + "pass Page.nextCursor() of the same query, with the same order");
    }
}
