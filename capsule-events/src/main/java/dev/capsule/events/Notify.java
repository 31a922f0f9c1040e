package dev.capsule.events;

import com.fasterxml.jackson.annotation.JsonTypeName;

import java.time.Instant;

/**
 * A lightweight status (typing, "searching the docs"): shown to the user, never kept as history.
 *
 * @param inReplyTo the inbound message whose turn produced it
 * @param seq       position among the session's outbound events
 * @param channel   the channel the session lives on
 * @param route     delivery route copied from the inbound message, or null
 * @param text      the status text
 */
@JsonTypeName("notify")
public record Notify(String eventId, String schemaVersion, String sessionId, Instant timestamp, TraceContext trace,
                    String inReplyTo, long seq, String channel, String route, String text) implements OutboundEvent {

    public Notify {
        EventFields.check(eventId, schemaVersion, sessionId, timestamp);
        EventFields.require(inReplyTo, "inReplyTo");
        EventFields.require(channel, "channel");
        if (text == null) {
            throw new IllegalArgumentException("text is required");
        }
    }

    public static Notify of(EventMeta m, String inReplyTo, long seq, String channel, String route, String text) {
        return new Notify(m.eventId(), m.schemaVersion(), m.sessionId(), m.timestamp(), m.trace(),
                inReplyTo, seq, channel, route, text);
    }
}
