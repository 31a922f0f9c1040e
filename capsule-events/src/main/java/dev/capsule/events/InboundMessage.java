package dev.capsule.events;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;

/**
 * A user's message, from any channel, on its way to the session's handler.
 *
 * @param user    who wrote it, as the channel authenticated them
 * @param channel where it came from: {@code web}, {@code api}, or a named channel resource
 * @param text    what they wrote
 * @param route   where the replies go, opaque to everyone but the channel that set it: channel-adapters
 *                puts the provider's target there (chat, thread); the gateway leaves it null, because every
 *                gateway replica reads every outbound partition. session-service copies it onto the turn's events.
 */
@JsonTypeName("inbound.message")
public record InboundMessage(String eventId, String schemaVersion, String sessionId, Instant timestamp,
                             TraceContext trace, UserRef user, String channel, String text, String route)
        implements CapsuleEvent {

    public InboundMessage {
        EventFields.check(eventId, schemaVersion, sessionId, timestamp);
        if (user == null) {
            throw new IllegalArgumentException("user is required");
        }
        EventFields.require(channel, "channel");
        if (text == null) {
            throw new IllegalArgumentException("text is required");
        }
    }

    public static InboundMessage of(EventMeta m, UserRef user, String channel, String text, String route) {
        return new InboundMessage(m.eventId(), m.schemaVersion(), m.sessionId(), m.timestamp(), m.trace(),
                user, channel, text, route);
    }

    /** This message, in the trace {@code trace} (the span of the service that accepted it). */
    public InboundMessage withTrace(TraceContext trace) {
        return new InboundMessage(eventId, schemaVersion, sessionId, timestamp, trace, user, channel, text, route);
    }
}
