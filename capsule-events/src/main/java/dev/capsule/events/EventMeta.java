package dev.capsule.events;

import java.time.Instant;
import java.util.UUID;

/**
 * The envelope of a new event: a fresh id, the current schema version, the session and the
 * trace. Producers start every event from one of these.
 */
public record EventMeta(String eventId, String schemaVersion, String sessionId, Instant timestamp, TraceContext trace) {

    /** A new envelope for an event of {@code sessionId}, stamped now. */
    public static EventMeta next(String sessionId, TraceContext trace) {
        return new EventMeta(UUID.randomUUID().toString(), SchemaVersion.CURRENT, sessionId, Instant.now(),
                trace == null ? TraceContext.NONE : trace);
    }
}
