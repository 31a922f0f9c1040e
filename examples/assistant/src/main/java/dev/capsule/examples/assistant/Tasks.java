package dev.capsule.examples.assistant;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capsule.sdk.Session;
import dev.capsule.sdk.db.Collection;
import dev.capsule.sdk.db.ConflictException;
import dev.capsule.sdk.db.Document;
import dev.capsule.sdk.db.Query;
import java.util.List;
import java.util.Optional;

/**
 * The user's tasks, kept in their {@code tasks} collection: it belongs to the user, not to one conversation, so a
 * task made in the web chat is there on Telegram too (for the same owner), and survives every session.
 */
final class Tasks {

    static final String COLLECTION = "tasks";
    static final String OPEN = "open";
    static final String DONE = "done";
    static final String SNOOZED = "snoozed";

    private final Collection tasks;

    private Tasks(Collection tasks) {
        this.tasks = tasks;
    }

    static Tasks of(Session session) {
        return new Tasks(session.db().collection(COLLECTION));
    }

    Document add(String title) {
        ObjectNode fields = JsonNodeFactory.instance.objectNode().put("title", title).put("status", OPEN);
        return tasks.insert(fields);
    }

    /** The tasks still to do, newest first: open and snoozed ones. */
    List<Document> pending() {
        return tasks.find(Query.all().where("status", Query.Op.NE, DONE).limit(Query.MAX_LIMIT)).documents();
    }

    Optional<Document> get(String id) {
        return tasks.get(id);
    }

    /**
     * Sets the task's status, unless it changed since it was read (another press, in another session, got there
     * first): then the caller says so rather than overwrite it.
     */
    Document setStatus(Document task, String status) throws ConflictException {
        ObjectNode fields = task.fields().deepCopy().put("status", status);
        return tasks.update(task.id(), task.version(), fields);
    }

    static String title(Document task) {
        return task.fields().path("title").asText();
    }

    static String status(Document task) {
        return task.fields().path("status").asText();
    }
}
