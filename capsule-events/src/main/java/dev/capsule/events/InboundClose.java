package dev.capsule.events;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;

/**
 * The user closes a session ({@code DELETE /api/sessions/{id}}, or the chat socket's {@code close}
 * frame): session-service runs the app's {@code exit()} and emits {@link SessionClosed}. It travels on
 * {@code capsule.inbound}, keyed by the session, and waits on the session's lane like a message, so a
 * message accepted before the close is handled before {@code exit()}. Added in schema version 1.6.
 * session-service's idle reaper sends one too, for a session idle past its timeout (1.7); the session's
 * lane then closes it only if it is still idle by then.
 *
 * @param user   who asked: only the session's own user may close it (the reaper names the session's user)
 * @param reason {@link SessionClosed#EXPLICIT} (also when absent, before 1.7) or {@link SessionClosed#IDLE}
 */
@JsonTypeName("inbound.close")
public record InboundClose(String eventId, String schemaVersion, String sessionId, Instant timestamp,
                           TraceContext trace, UserRef user, String reason) implements CapsuleEvent {

    public InboundClose {
        EventFields.check(eventId, schemaVersion, sessionId, timestamp);
        if (user == null) {
            throw new IllegalArgumentException("user is required");
        }
        if (reason == null) {
            reason = SessionClosed.EXPLICIT;
        } else if (!reason.equals(SessionClosed.EXPLICIT) && !reason.equals(SessionClosed.IDLE)) {
            throw new IllegalArgumentException("reason must be '" + SessionClosed.EXPLICIT + "' or '" + SessionClosed.IDLE
                    + "', not '" + reason + "'");
        }
    }

    /** The user's close. */
    public static InboundClose of(EventMeta m, UserRef user) {
        return new InboundClose(m.eventId(), m.schemaVersion(), m.sessionId(), m.timestamp(), m.trace(), user,
                SessionClosed.EXPLICIT);
    }

    /** The idle reaper's close of {@code user}'s session. */
    public static InboundClose idle(EventMeta m, UserRef user) {
        return new InboundClose(m.eventId(), m.schemaVersion(), m.sessionId(), m.timestamp(), m.trace(), user,
                SessionClosed.IDLE);
    }

    public boolean idle() {
        return SessionClosed.IDLE.equals(reason);
    }
}
