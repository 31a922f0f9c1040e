package dev.capsule.sdk.db;

/**
 * The session user's durable data: named collections of JSON documents, all scoped to
 * {@code session.user().ownerId()}. There is no way to name another owner.
 *
 * <p>Reads see the handler's own writes, in the same turn and in the next turn of any session
 * of the same owner, although the writes reach the database asynchronously.
 */
public interface Db {

    /**
     * The collection {@code name}: 1 to 63 characters, lower-case letters, digits, '_' or '-',
     * starting with a letter. It exists as soon as a document is inserted.
     *
     * @throws IllegalArgumentException when the name breaks that rule
     */
    Collection collection(String name);
}
