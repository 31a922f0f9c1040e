package dev.capsule.events;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;

/**
 * A session was closed and its {@code exit()} hook ran.
 *
 * @param reason why: {@code explicit} or {@code idle}
 */
@JsonTypeName("session.closed")
public record SessionClosed(String eventId, String schemaVersion, String sessionId, Instant timestamp,
                            TraceContext trace, String reason) implements CapsuleEvent {

    public SessionClosed {
        EventFields.check(eventId, schemaVersion, sessionId, timestamp);
        EventFields.require(reason, "reason");
    }

    public static SessionClosed of(EventMeta m, String reason) {
        return new SessionClosed(m.eventId(), m.schemaVersion(), m.sessionId(), m.timestamp(), m.trace(), reason);
    }
}
