package dev.capsule.events;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;

/**
 * The session's user has connected an integration: the gateway's OAuth callback stored the tokens and sends this on
 * {@code capsule.inbound}, keyed by the session the connect link came from, so that session-service runs the app's
 * {@code onConnected} on the session's lane, in order with its messages. It never carries a token. Its id is derived
 * from the connect request, so a callback retried after a crash is dropped as a redelivery. Added in schema version 1.9.
 *
 * @param userId      the user who connected: the turn runs only if that user still owns the session
 * @param integration the integration's name, as configured ({@code capsule.integrations.<name>})
 */
@JsonTypeName("inbound.connected")
public record InboundConnected(String eventId, String schemaVersion, String sessionId, Instant timestamp, TraceContext trace,
                               String userId, String integration) implements CapsuleEvent {

    public InboundConnected {
        EventFields.check(eventId, schemaVersion, sessionId, timestamp);
        EventFields.require(userId, "userId");
        EventFields.require(integration, "integration");
    }

    public static InboundConnected of(EventMeta m, String userId, String integration) {
        return new InboundConnected(m.eventId(), m.schemaVersion(), m.sessionId(), m.timestamp(), m.trace(), userId, integration);
    }
}
