package dev.capsule.session.schedule;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capsule.events.EventCodec;
import dev.capsule.sdk.ScheduledJob;
import java.time.Instant;

/**
 * A job a handler asked for with {@code session.schedule(...)}, checked when it is asked for (so the
 * handler learns of a bad one at once) and kept until its turn has succeeded.
 *
 * @param payload never null: an empty object when the app attached nothing
 */
public record JobRequest(String name, Instant dueAt, ObjectNode payload) {

    public JobRequest {
        ScheduledJob.check(name, dueAt, payload);
        if (payload == null) {
            payload = EventCodec.mapper().createObjectNode();
        }
    }
}
