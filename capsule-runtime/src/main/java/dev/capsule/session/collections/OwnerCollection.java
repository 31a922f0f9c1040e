package dev.capsule.session.collections;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capsule.events.DocumentChanged;
import dev.capsule.events.EventMeta;
import dev.capsule.events.Topics;
import dev.capsule.events.TraceContext;
import dev.capsule.sdk.db.Collection;
import dev.capsule.sdk.db.ConflictException;
import dev.capsule.sdk.db.Db;
import dev.capsule.sdk.db.Document;
import dev.capsule.sdk.db.DocumentTooLargeException;
import dev.capsule.sdk.db.Page;
import dev.capsule.sdk.db.Query;
import dev.capsule.session.state.PartitionFence;
import dev.capsule.session.state.StoreUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * One collection of one owner, as a turn uses it. A write is an event on the changes topic,
 * acknowledged before the call returns, its offset remembered for the owner; a read first
 * waits until the fold into PostgreSQL has passed the owner's remembered writes.
 */
final class OwnerCollection implements Collection {


    private final Collections c;
    private final String ownerId;
    private final String sessionId;
    private final TraceContext trace;
    private final PartitionFence.Lease lease;
    private final String name;
    private final Supplier<String> nextWrite;

    OwnerCollection(Collections c, String ownerId, String sessionId, TraceContext trace, PartitionFence.Lease lease, String name,
                    Supplier<String> nextWrite) {
        this.c = c;
        this.lease = lease;
        this.ownerId = ownerId;
        this.sessionId = sessionId;
        this.trace = trace;
        this.name = Db.requireCollectionName(name);
        this.nextWrite = nextWrite;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Document insert(ObjectNode fields) {
        ObjectNode copy = checked(fields);
        // Microseconds: what PostgreSQL keeps, so that the document read back is the one returned.
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        String writeId = nextWrite.get();
        Document document = new Document(EventMeta.derived(sessionId, trace, writeId + "/doc").eventId(), 1, now, now, copy);
        write(writeId, document, false);
        return document;
    }

    @Override
    public Optional<Document> get(String id) {
        awaitOwnWrites();
        return c.reader.get(ownerId, name, id).filter(s -> !s.deleted()).map(DocumentReader.Stored::document);
    }

    @Override
    public Document update(String id, long expectedVersion, ObjectNode fields) {
        ObjectNode copy = checked(fields);
        String writeId = nextWrite.get();
        DocumentReader.Stored stored = current(id);
        claim(writeId, id, expectedVersion, stored);
        Document next = new Document(id, expectedVersion + 1, stored.document().createdAt(),
                Instant.now().truncatedTo(ChronoUnit.MICROS), copy);
        write(writeId, next, false);
        return next;
    }

    @Override
    public void delete(String id, long expectedVersion) {
        String writeId = nextWrite.get();
        DocumentReader.Stored stored = current(id);
        claim(writeId, id, expectedVersion, stored);
        write(writeId, new Document(id, expectedVersion + 1, stored.document().createdAt(),
                Instant.now().truncatedTo(ChronoUnit.MICROS), null), true);
    }

    @Override
    public Page find(Query query) {
        awaitOwnWrites();
        return c.reader.find(ownerId, name, query);
    }

    private DocumentReader.Stored current(String id) {
        awaitOwnWrites();
        return c.reader.get(ownerId, name, id).orElseThrow(() ->
                new NoSuchElementException("collection " + name + " has no document " + id));
    }

    /** Moves the document's version on, or fails with the version it is at (0 once deleted). */
    private void claim(String writeId, String id, long expectedVersion, DocumentReader.Stored stored) {
        // A deleted document takes no more changes (no expected version matches -1), but the
        // same write repeated by a turn that runs again is still accepted.
        long at = c.versions.checkAndSet(ownerId, name, id, stored.deleted() ? -1 : expectedVersion,
                stored.document().version(), expectedVersion + 1, writeId);
        if (at == -1) {
            return;
        }
        throw new ConflictException(name, id, expectedVersion, stored.deleted() ? 0 : at);
    }

    private ObjectNode checked(ObjectNode fields) {
        if (fields == null) {
            throw new IllegalArgumentException("a document is a JSON object, not null");
        }
        int bytes = fields.toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > c.maxDocumentBytes) {
            throw new DocumentTooLargeException(name, bytes, c.maxDocumentBytes);
        }
        return fields.deepCopy();
    }

    private void write(String writeId, Document document, boolean deleted) {
        DocumentChanged event = DocumentChanged.of(EventMeta.derived(sessionId, trace, writeId), ownerId, name, document.id(),
                document.version(), deleted, deleted ? null : document.fields(), document.createdAt(), document.updatedAt());
        lease.check();
        RecordMetadata written;
        try {
            written = c.publisher.publishAt(Topics.CHANGES, event).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing to collection " + name, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RetriableException || e.getCause() instanceof AuthenticationException) {
                throw new StoreUnavailableException("Kafka did not take the write to collection " + name + " (it runs again"
                        + " once Kafka answers): " + e.getCause().getMessage(), e.getCause());
            }
            throw new IllegalStateException("Kafka did not take the write to collection " + name + ": "
                    + e.getCause().getMessage(), e.getCause());
        }
        c.ownerWrites.record(ownerId, written.partition(), written.offset());
    }

    private void awaitOwnWrites() {
        for (Map.Entry<Integer, Long> w : c.ownerWrites.of(ownerId).entrySet()) {
            c.folds.awaitFolded(new TopicPartition(Topics.CHANGES, w.getKey()), w.getValue());
        }
    }
}
