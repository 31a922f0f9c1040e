package dev.capsule.events;

import com.fasterxml.jackson.annotation.JsonTypeName;

import java.time.Instant;

/**
 * The handler failed on this turn; the session goes on working. The message is safe to show a user.
 *
 * @param inReplyTo the inbound message whose turn produced it
 * @param seq       position among the session's outbound events
 * @param channel   the channel the session lives on
 * @param route     delivery route copied from the inbound message, or null
 * @param error     a short code, e.g. {@code handler_error}
 * @param message   what to tell the user
 */
@JsonTypeName("turn.failed")
public record TurnFailed(String eventId, String schemaVersion, String sessionId, Instant timestamp, TraceContext trace,
                    String inReplyTo, long seq, String channel, String route, String error, String message) implements OutboundEvent {

    public TurnFailed {
        EventFields.check(eventId, schemaVersion, sessionId, timestamp);
        EventFields.require(inReplyTo, "inReplyTo");
        EventFields.require(channel, "channel");
        EventFields.require(error, "error");
    }

    public static TurnFailed of(EventMeta m, String inReplyTo, long seq, String channel, String route, String error, String message) {
        return new TurnFailed(m.eventId(), m.schemaVersion(), m.sessionId(), m.timestamp(), m.trace(),
                inReplyTo, seq, channel, route, error, message);
    }
}
