package dev.capsule.events;

import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * A session's {@code data} after a turn, with the version that fences concurrent writers:
 * a snapshot with a lower version than the one stored never replaces it.
 *
 * @param version  the state's version, one more than the state it replaces
 * @param data     the whole per-session state
 * @param snapshot the rest of the session's state (since 1.1; null in 1.0 events)
 */
@JsonTypeName("state.changed")
public record StateChanged(String eventId, String schemaVersion, String sessionId, Instant timestamp,
                           TraceContext trace, long version, ObjectNode data, SessionSnapshot snapshot)
        implements CapsuleEvent {

    public StateChanged {
        EventFields.check(eventId, schemaVersion, sessionId, timestamp);
        if (data == null) {
            throw new IllegalArgumentException("data is required");
        }
    }

    public static StateChanged of(EventMeta m, long version, ObjectNode data, SessionSnapshot snapshot) {
        return new StateChanged(m.eventId(), m.schemaVersion(), m.sessionId(), m.timestamp(), m.trace(), version, data,
                snapshot);
    }
}
