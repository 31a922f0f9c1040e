package dev.capsule.sdk.db;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * A named collection of the session owner's JSON documents. Writes are checked and sent at
 * once; reads see them at once. Calls block until done, so in a reactive handler call them
 * from a worker (they are cheap on the virtual thread a blocking handler runs on).
 */
public interface Collection {

    /** The collection's name. */
    String name();

    /**
     * Stores a new document.
     *
     * @return it, with its id and version 1
     * @throws DocumentTooLargeException when its JSON is over the limit
     */
    Document insert(ObjectNode fields);

    /** The document {@code id}, if this owner has it. */
    Optional<Document> get(String id);

    /**
     * Replaces the fields of document {@code id}, if it is still at {@code expectedVersion}.
     *
     * @return it, at the next version
     * @throws ConflictException when it changed since (or was deleted)
     * @throws java.util.NoSuchElementException when this owner has no such document
     */
    Document update(String id, long expectedVersion, ObjectNode fields);

    /**
     * Deletes document {@code id}, if it is still at {@code expectedVersion}.
     *
     * @throws ConflictException when it changed since
     * @throws java.util.NoSuchElementException when this owner has no such document
     */
    void delete(String id, long expectedVersion);

    /** The documents that match {@code query}, one page at a time. */
    Page find(Query query);
}
