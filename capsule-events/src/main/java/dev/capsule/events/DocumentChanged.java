package dev.capsule.events;

import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * A document of an owner-scoped collection after a change, written by a turn. It carries the
 * whole document, so a fold can apply changes in any order: a change only replaces a stored
 * document of a lower version, and a deletion stays as a tombstone of its version.
 *
 * @param ownerId    whose collection
 * @param collection the collection's name
 * @param documentId the document's id
 * @param version    the document's version after the change, from 1
 * @param deleted    true when the change deleted it
 * @param data       the document's fields after the change; null when deleted
 * @param createdAt  when the document was inserted
 * @param updatedAt  when this change was made
 */
@JsonTypeName("document.changed")
public record DocumentChanged(String eventId, String schemaVersion, String sessionId, Instant timestamp,
                              TraceContext trace, String ownerId, String collection, String documentId, long version,
                              boolean deleted, ObjectNode data, Instant createdAt, Instant updatedAt)
        implements CapsuleEvent {

    public DocumentChanged {
        EventFields.check(eventId, schemaVersion, sessionId, timestamp);
        EventFields.require(ownerId, "ownerId");
        EventFields.require(collection, "collection");
        EventFields.require(documentId, "documentId");
        if (version < 1) {
            throw new IllegalArgumentException("version starts at 1");
        }
        if (!deleted && data == null) {
            throw new IllegalArgumentException("data is required unless deleted");
        }
    }

    public static DocumentChanged of(EventMeta m, String ownerId, String collection, String documentId, long version,
                                     boolean deleted, ObjectNode data, Instant createdAt, Instant updatedAt) {
        return new DocumentChanged(m.eventId(), m.schemaVersion(), m.sessionId(), m.timestamp(), m.trace(), ownerId,
                collection, documentId, version, deleted, data, createdAt, updatedAt);
    }
}
