package dev.capsule.testkit;

import dev.capsule.sdk.db.Db;
import dev.capsule.sdk.db.Document;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The collections of every owner, in memory, with the runtime's rules: documents start at
 * version 1 and move on by one with each change, a change that names an old version throws
 * {@link dev.capsule.sdk.db.ConflictException}, a document over the size limit throws
 * {@link dev.capsule.sdk.db.DocumentTooLargeException}, and queries filter, order and page as
 * the PostgreSQL read model does. Reads see writes at once, as the runtime promises.
 *
 * <p>A {@link dev.capsule.sdk.db.Db} belongs to one owner and cannot name another, so this is
 * not one: it is the store behind them. Share it between sessions to test owner scoping, and
 * use {@link #owner(String)} to seed or inspect an owner's documents:
 *
 * <pre>{@code
 * TestDb db = new TestDb();
 * db.owner("ana").collection("notes").insert(JsonNodeFactory.instance.objectNode().put("text", "milk"));
 *
 * TestSession.of("s1").user("ana").db(db).send(app, "/notes");   // finds the note
 * TestSession.of("s2").user("bob").db(db).send(app, "/notes");   // finds none
 * }</pre>
 *
 * <p>Document ids are UUIDs, as in the runtime, but derived from a counter, so that a test sees
 * the same ids on every run. Creation times strictly increase, so that "newest first" is the
 * order of insertion even when two inserts fall in the same microsecond.
 */
public final class TestDb {

    /** The runtime's default {@code capsule.db.max-document-bytes}. */
    public static final int DEFAULT_MAX_DOCUMENT_BYTES = 65_536;

    /** A stored document, or the tombstone a delete leaves (which takes no more changes). */
    record Stored(Document document, boolean deleted) {
    }

    private final int maxDocumentBytes;
    private final Map<String, Map<String, Stored>> collections = new HashMap<>();
    private long documentsMade;
    private Instant lastTime = Instant.EPOCH;

    /** A store with the runtime's default document size limit. */
    public TestDb() {
        this(DEFAULT_MAX_DOCUMENT_BYTES);
    }

    /** A store whose documents' JSON may hold up to {@code maxDocumentBytes} bytes of UTF-8. */
    public TestDb(int maxDocumentBytes) {
        if (maxDocumentBytes < 1) {
            throw new IllegalArgumentException("the document size limit must be positive, not " + maxDocumentBytes);
        }
        this.maxDocumentBytes = maxDocumentBytes;
    }

    /** The collections of {@code ownerId}, as a session of a user with that owner sees them. */
    public Db owner(String ownerId) {
        Objects.requireNonNull(ownerId, "ownerId");
        return name -> new MemoryCollection(this, ownerId, name);
    }

    int maxDocumentBytes() {
        return maxDocumentBytes;
    }

    /** The live map of one owner's collection; callers hold this store's lock while they use it. */
    Map<String, Stored> documents(String ownerId, String collection) {
        // The NUL cannot occur in a collection name, so no two owners' keys meet.
        return collections.computeIfAbsent(ownerId + '\0' + collection, k -> new LinkedHashMap<>());
    }

    synchronized String nextId() {
        return UUID.nameUUIDFromBytes(("capsule-test-kit/document/" + ++documentsMade).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /** Microseconds, as PostgreSQL keeps them, and always later than the last time given. */
    synchronized Instant now() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        lastTime = now.isAfter(lastTime) ? now : lastTime.plus(1, ChronoUnit.MICROS);
        return lastTime;
    }
}
