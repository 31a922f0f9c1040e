package dev.capsule.events;

import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * A job the app scheduled for a session is due: one it scheduled with {@code session.schedule(...)},
 * or a recurring one it declared, run for each owner in that owner's latest session. The cluster's
 * scheduler (Quartz, on PostgreSQL) sends it once at the due time on {@code capsule.inbound}, keyed by
 * the session, so that session-service runs the app's {@code onScheduled} on the session's lane, in
 * order with its messages. Its id is derived from the job and its due time: a job fired again after a
 * crash is dropped as a redelivery. Added in schema version 1.7.
 *
 * @param user      the session's user: the job runs only if that user still owns the session
 * @param name      the job's name, as the app gave it
 * @param payload   what the app attached to the job (a JSON object, empty when it attached nothing)
 * @param dueAt     when the job was due (a late run still tells the time it was meant for)
 * @param recurring whether it is a run of a recurring job (declared with {@code @Recurring})
 */
@JsonTypeName("inbound.due")
public record InboundDue(String eventId, String schemaVersion, String sessionId, Instant timestamp, TraceContext trace,
                         UserRef user, String name, ObjectNode payload, Instant dueAt, boolean recurring)
        implements CapsuleEvent {

    public InboundDue {
        EventFields.check(eventId, schemaVersion, sessionId, timestamp);
        if (user == null) {
            throw new IllegalArgumentException("user is required");
        }
        EventFields.require(name, "name");
        if (payload == null) {
            payload = EventCodec.mapper().createObjectNode();
        }
        if (dueAt == null) {
            throw new IllegalArgumentException("dueAt is required");
        }
    }

    public static InboundDue of(EventMeta m, UserRef user, String name, ObjectNode payload, Instant dueAt, boolean recurring) {
        return new InboundDue(m.eventId(), m.schemaVersion(), m.sessionId(), m.timestamp(), m.trace(), user, name, payload, dueAt,
                recurring);
    }
}
