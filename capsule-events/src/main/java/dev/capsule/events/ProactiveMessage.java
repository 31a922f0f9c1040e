package dev.capsule.events;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;

/**
 * A message the app sends into a conversation outside that conversation's turns (proactive
 * messaging): from a background task after its turn ended, or into another conversation of
 * the same user, such as their Telegram chat. It travels on {@code capsule.inbound}, keyed by
 * the target session, so that session-service puts it in order with that session's turns and
 * delivers it as a {@link Reply} (and a {@link TurnEnded}) on the session's channel. Added in
 * schema version 1.3.
 *
 * @param sessionId the conversation the message goes to
 * @param user      the user the app sent it for: it is delivered only if that user owns the session
 * @param origin    the session whose handler sent it, for the record
 * @param text      the message
 */
@JsonTypeName("inbound.proactive")
public record ProactiveMessage(String eventId, String schemaVersion, String sessionId, Instant timestamp,
                               TraceContext trace, UserRef user, String origin, String text) implements CapsuleEvent {

    public ProactiveMessage {
        EventFields.check(eventId, schemaVersion, sessionId, timestamp);
        if (user == null) {
            throw new IllegalArgumentException("user is required");
        }
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("text is required");
        }
    }

    public static ProactiveMessage of(EventMeta m, UserRef user, String origin, String text) {
        return new ProactiveMessage(m.eventId(), m.schemaVersion(), m.sessionId(), m.timestamp(), m.trace(), user, origin, text);
    }
}
