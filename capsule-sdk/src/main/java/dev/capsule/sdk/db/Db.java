package dev.capsule.sdk.db;

import java.util.regex.Pattern;

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

    /**
     * Checks a collection name against the rule of {@link #collection(String)}, so that the runtime and the test
     * kit refuse the same names with the same message.
     *
     * @return {@code name}
     * @throws IllegalArgumentException when the name breaks the rule
     */
    static String requireCollectionName(String name) {
        if (name == null || !CollectionNames.RULE.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a collection name: use 1 to 63 lower-case letters, "
                    + "digits, '_' or '-', starting with a letter");
        }
        return name;
    }

    /** Compiles the rule once; an interface cannot keep a private field of its own. Not for apps to use. */
    final class CollectionNames {
        private static final Pattern RULE = Pattern.compile("[a-z][a-z0-9_-]{0,62}");

        private CollectionNames() {
        }
    }
}
