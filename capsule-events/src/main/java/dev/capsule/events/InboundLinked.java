package dev.capsule.events;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;

/**
 * A channel identity has been linked to an app user: the app user confirmed, through the gateway, the link code the
 * channel user was shown in this session. Sent on {@code capsule.inbound}, keyed by that session, so that
 * session-service hands the session to the app user, in order with its messages; later messages of the channel
 * identity, in any of its sessions, are the app user's. Its id is derived from the code. Added in schema version 1.9.
 *
 * @param channelUserId the channel identity, {@code <type>:<channel>:<provider user id>}
 * @param user          the app user it now is
 */
@JsonTypeName("inbound.linked")
public record InboundLinked(String eventId, String schemaVersion, String sessionId, Instant timestamp, TraceContext trace,
                            String channelUserId, UserRef user) implements CapsuleEvent {

    public InboundLinked {
        EventFields.check(eventId, schemaVersion, sessionId, timestamp);
        EventFields.require(channelUserId, "channelUserId");
        if (user == null) {
            throw new IllegalArgumentException("user is required");
        }
    }

    public static InboundLinked of(EventMeta m, String channelUserId, UserRef user) {
        return new InboundLinked(m.eventId(), m.schemaVersion(), m.sessionId(), m.timestamp(), m.trace(), channelUserId, user);
    }
}
