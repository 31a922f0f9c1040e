package dev.capsule.sdk.db;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One document of a collection.
 *
 * @param id        its id, chosen by Capsule on insert
 * @param version   1 on insert, one more on each update; pass it to update or delete
 * @param createdAt when it was inserted
 * @param updatedAt when it last changed
 * @param fields    its content, a JSON object (a copy: changing it changes nothing stored)
 */
public record Document(String id, long version, Instant createdAt, Instant updatedAt, ObjectNode fields) {
}
