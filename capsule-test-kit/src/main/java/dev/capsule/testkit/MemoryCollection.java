package dev.capsule.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capsule.sdk.db.Collection;
import dev.capsule.sdk.db.ConflictException;
import dev.capsule.sdk.db.Db;
import dev.capsule.sdk.db.Document;
import dev.capsule.sdk.db.DocumentTooLargeException;
import dev.capsule.sdk.db.Page;
import dev.capsule.sdk.db.Query;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;

/**
 * One collection of one owner in a {@link TestDb}. Every call holds the store's lock, so that a
 * version check and the change it allows happen as one step, as the runtime's check-and-set
 * makes them. Documents go in and come out as copies: changing one a test holds changes nothing stored.
 */
final class MemoryCollection implements Collection {


    private final TestDb db;
    private final String ownerId;
    private final String name;

    MemoryCollection(TestDb db, String ownerId, String name) {
        this.db = db;
        this.ownerId = ownerId;
        this.name = Db.requireCollectionName(name);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Document insert(ObjectNode fields) {
        ObjectNode copy = checked(fields);
        synchronized (db) {
            var now = db.now();
            Document document = new Document(db.nextId(), 1, now, now, copy);
            documents().put(document.id(), new TestDb.Stored(document, false));
            return copyOf(document);
        }
    }

    @Override
    public Optional<Document> get(String id) {
        synchronized (db) {
            return Optional.ofNullable(documents().get(id)).filter(s -> !s.deleted()).map(s -> copyOf(s.document()));
        }
    }

    @Override
    public Document update(String id, long expectedVersion, ObjectNode fields) {
        ObjectNode copy = checked(fields);
        synchronized (db) {
            Document current = claim(id, expectedVersion);
            Document next = new Document(id, expectedVersion + 1, current.createdAt(), db.now(), copy);
            documents().put(id, new TestDb.Stored(next, false));
            return copyOf(next);
        }
    }

    @Override
    public void delete(String id, long expectedVersion) {
        synchronized (db) {
            Document current = claim(id, expectedVersion);
            documents().put(id, new TestDb.Stored(new Document(id, expectedVersion + 1, current.createdAt(), db.now(),
                    null), true));
        }
    }

    @Override
    public Page find(Query query) {
        Objects.requireNonNull(query, "query");
        synchronized (db) {
            List<Document> live = documents().values().stream().filter(s -> !s.deleted()).map(TestDb.Stored::document).toList();
            Page page = Find.page(live, query);
            return new Page(page.documents().stream().map(MemoryCollection::copyOf).toList(), page.nextCursor());
        }
    }

    /** The document at {@code expectedVersion}, which the caller may now change. */
    private Document claim(String id, long expectedVersion) {
        TestDb.Stored stored = documents().get(id);
        if (stored == null) {
            throw new NoSuchElementException("collection " + name + " has no document " + id);
        }
        if (stored.deleted()) {
            throw new ConflictException(name, id, expectedVersion, 0);
        }
        if (stored.document().version() != expectedVersion) {
            throw new ConflictException(name, id, expectedVersion, stored.document().version());
        }
        return stored.document();
    }

    private ObjectNode checked(ObjectNode fields) {
        if (fields == null) {
            throw new IllegalArgumentException("a document is a JSON object, not null");
        }
        int bytes = fields.toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > db.maxDocumentBytes()) {
            throw new DocumentTooLargeException(name, bytes, db.maxDocumentBytes());
        }
        return fields.deepCopy();
    }

    private Map<String, TestDb.Stored> documents() {
        return db.documents(ownerId, name);
    }

    private static Document copyOf(Document d) {
        return new Document(d.id(), d.version(), d.createdAt(), d.updatedAt(), d.fields().deepCopy());
    }
}
