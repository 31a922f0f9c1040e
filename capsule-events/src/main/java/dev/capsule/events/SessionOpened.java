package dev.capsule.events;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;

/**
 * A session was created, or opened again after a close (a new life of the same id), and its {@code enter()} hook ran.
 *
 * @param user    the session's user
 * @param channel the channel the session lives on
 */
@JsonTypeName("session.opened")
public record SessionOpened(String eventId, String schemaVersion, String sessionId, Instant timestamp,
                            TraceContext trace, UserRef user, String channel) implements CapsuleEvent {

    public SessionOpened {
        EventFields.check(eventId, schemaVersion, sessionId, timestamp);
        if (user == null) {
            throw new IllegalArgumentException("user is required");
        }
        EventFields.require(channel, "channel");
    }

    public static SessionOpened of(EventMeta m, UserRef user, String channel) {
        return new SessionOpened(m.eventId(), m.schemaVersion(), m.sessionId(), m.timestamp(), m.trace(), user, channel);
    }
}
