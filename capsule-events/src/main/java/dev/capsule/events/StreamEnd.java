package dev.capsule.events;

import com.fasterxml.jackson.annotation.JsonTypeName;

import java.time.Instant;

/**
 * The end of a streamed reply, carrying the whole text so that the history keeps it as one message.
 *
 * @param inReplyTo the inbound message whose turn produced it
 * @param seq       position among the session's outbound events
 * @param channel   the channel the session lives on
 * @param route     delivery route copied from the inbound message, or null
 * @param streamId  the stream that ended
 * @param chunks    how many chunks were sent
 * @param text      the whole streamed text
 * @param cancelled true when the stream stopped before its source completed
 */
@JsonTypeName("stream.end")
public record StreamEnd(String eventId, String schemaVersion, String sessionId, Instant timestamp, TraceContext trace,
                    String inReplyTo, long seq, String channel, String route, String streamId, int chunks, String text, boolean cancelled) implements OutboundEvent {

    public StreamEnd {
        EventFields.check(eventId, schemaVersion, sessionId, timestamp);
        EventFields.require(inReplyTo, "inReplyTo");
        EventFields.require(channel, "channel");
        EventFields.require(streamId, "streamId");
        if (text == null) {
            throw new IllegalArgumentException("text is required");
        }
    }

    public static StreamEnd of(EventMeta m, String inReplyTo, long seq, String channel, String route, String streamId, int chunks, String text, boolean cancelled) {
        return new StreamEnd(m.eventId(), m.schemaVersion(), m.sessionId(), m.timestamp(), m.trace(),
                inReplyTo, seq, channel, route, streamId, chunks, text, cancelled);
    }
}
