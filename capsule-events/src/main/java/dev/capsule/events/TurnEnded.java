package dev.capsule.events;

import com.fasterxml.jackson.annotation.JsonTypeName;

import java.time.Instant;

/**
 * The turn of an inbound message is over: no more events will follow for it.
 *
 * @param inReplyTo the inbound message whose turn produced it
 * @param seq       position among the session's outbound events
 * @param channel   the channel the session lives on
 * @param route     delivery route copied from the inbound message, or null
 * @param events    how many outbound events the turn produced before this one
 */
@JsonTypeName("turn.ended")
public record TurnEnded(String eventId, String schemaVersion, String sessionId, Instant timestamp, TraceContext trace,
                    String inReplyTo, long seq, String channel, String route, int events) implements OutboundEvent {

    public TurnEnded {
        EventFields.check(eventId, schemaVersion, sessionId, timestamp);
        EventFields.require(inReplyTo, "inReplyTo");
        EventFields.require(channel, "channel");
    }

    public static TurnEnded of(EventMeta m, String inReplyTo, long seq, String channel, String route, int events) {
        return new TurnEnded(m.eventId(), m.schemaVersion(), m.sessionId(), m.timestamp(), m.trace(),
                inReplyTo, seq, channel, route, events);
    }
}
