package dev.capsule.events;

import com.fasterxml.jackson.annotation.JsonTypeName;

import java.time.Instant;

/**
 * One piece of a streamed reply. The first chunk of a {@code streamId} opens the stream.
 *
 * @param inReplyTo the inbound message whose turn produced it
 * @param seq       position among the session's outbound events
 * @param channel   the channel the session lives on
 * @param route     delivery route copied from the inbound message, or null
 * @param streamId  the stream this chunk belongs to
 * @param index     position of the chunk in its stream, from 0
 * @param text      the chunk's text
 */
@JsonTypeName("stream.chunk")
public record StreamChunk(String eventId, String schemaVersion, String sessionId, Instant timestamp, TraceContext trace,
                    String inReplyTo, long seq, String channel, String route, String streamId, int index, String text) implements OutboundEvent {

    public StreamChunk {
        EventFields.check(eventId, schemaVersion, sessionId, timestamp);
        EventFields.require(inReplyTo, "inReplyTo");
        EventFields.require(channel, "channel");
        EventFields.require(streamId, "streamId");
        if (text == null) {
            throw new IllegalArgumentException("text is required");
        }
    }

    public static StreamChunk of(EventMeta m, String inReplyTo, long seq, String channel, String route, String streamId, int index, String text) {
        return new StreamChunk(m.eventId(), m.schemaVersion(), m.sessionId(), m.timestamp(), m.trace(),
                inReplyTo, seq, channel, route, streamId, index, text);
    }
}
