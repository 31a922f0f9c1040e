package dev.capsule.session.schedule;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capsule.events.EventCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A job a handler asked for with {@code session.schedule(...)}, checked when it is asked for (so the
 * handler learns of a bad one at once) and kept until its turn has succeeded.
 *
 * @param payload never null: an empty object when the app attached nothing
 */
public record JobRequest(String name, Instant dueAt, ObjectNode payload) {

    static final int MAX_NAME = 100;
    static final int MAX_PAYLOAD_BYTES = 64 * 1024;

    public JobRequest {
        if (name == null || name.isBlank() || name.length() > MAX_NAME) {
            throw new IllegalArgumentException("a job's name must be 1 to " + MAX_NAME + " characters, not "
                    + (name == null ? "null" : "'" + name + "'"));
        }
        if (payload == null) {
            payload = EventCodec.mapper().createObjectNode();
        }
        int size = payload.toString().getBytes(StandardCharsets.UTF_8).length;
        if (size > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("job '" + name + "': its payload is " + size + " bytes of JSON; at most "
                    + MAX_PAYLOAD_BYTES + " fit. Keep large data in a collection and put its id in the payload.");
        }
    }
}
