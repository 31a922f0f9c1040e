package dev.capsule.events;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;

/**
 * The user asks to stop the answer to one of their messages (the chat page's Stop button, or
 * the API's cancel): session-service interrupts that message's turn if it is still running,
 * and its open streams end as cancelled. It travels on {@code capsule.inbound}, keyed by the
 * session, so it reaches the instance running the session's turns. Added in schema version 1.4.
 *
 * @param user      who asked: only the session's own user may stop its turns
 * @param messageId the {@code eventId} of the inbound message whose answer to stop
 */
@JsonTypeName("inbound.cancel")
public record InboundCancel(String eventId, String schemaVersion, String sessionId, Instant timestamp,
                            TraceContext trace, UserRef user, String messageId) implements CapsuleEvent {

    public InboundCancel {
        EventFields.check(eventId, schemaVersion, sessionId, timestamp);
        if (user == null) {
            throw new IllegalArgumentException("user is required");
        }
        EventFields.require(messageId, "messageId");
    }

    public static InboundCancel of(EventMeta m, UserRef user, String messageId) {
        return new InboundCancel(m.eventId(), m.schemaVersion(), m.sessionId(), m.timestamp(), m.trace(), user, messageId);
    }
}
