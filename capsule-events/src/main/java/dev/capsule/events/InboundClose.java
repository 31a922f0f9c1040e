package dev.capsule.events;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;

/**
 * The user closes a session ({@code DELETE /api/sessions/{id}}, or the chat socket's {@code close}
 * frame): session-service runs the app's {@code exit()} and emits {@link SessionClosed}. It travels on
 * {@code capsule.inbound}, keyed by the session, and waits on the session's lane like a message, so a
 * message accepted before the close is handled before {@code exit()}. Added in schema version 1.6.
 *
 * @param user who asked: only the session's own user may close it
 */
@JsonTypeName("inbound.close")
public record InboundClose(String eventId, String schemaVersion, String sessionId, Instant timestamp,
                           TraceContext trace, UserRef user) implements CapsuleEvent {

    public InboundClose {
        EventFields.check(eventId, schemaVersion, sessionId, timestamp);
        if (user == null) {
            throw new IllegalArgumentException("user is required");
        }
    }

    public static InboundClose of(EventMeta m, UserRef user) {
        return new InboundClose(m.eventId(), m.schemaVersion(), m.sessionId(), m.timestamp(), m.trace(), user);
    }
}
