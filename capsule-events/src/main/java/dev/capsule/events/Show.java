package dev.capsule.events;

import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * A structured block (task card, choice list, ...) that each channel renders as it can.
 *
 * @param inReplyTo the inbound message whose turn produced it
 * @param seq       position among the session's outbound events
 * @param channel   the channel the session lives on
 * @param route     delivery route copied from the inbound message, or null
 * @param block     the block as JSON: a {@code kind} field names it, the rest is its content
 */
@JsonTypeName("show")
public record Show(String eventId, String schemaVersion, String sessionId, Instant timestamp, TraceContext trace,
                    String inReplyTo, long seq, String channel, String route, ObjectNode block) implements OutboundEvent {

    public Show {
        EventFields.check(eventId, schemaVersion, sessionId, timestamp);
        EventFields.require(inReplyTo, "inReplyTo");
        EventFields.require(channel, "channel");
        if (block == null || !block.hasNonNull("kind")) {
            throw new IllegalArgumentException("block with a kind is required");
        }
    }

    public static Show of(EventMeta m, String inReplyTo, long seq, String channel, String route, ObjectNode block) {
        return new Show(m.eventId(), m.schemaVersion(), m.sessionId(), m.timestamp(), m.trace(),
                inReplyTo, seq, channel, route, block);
    }
}
