package dev.capsule.events;

import java.time.Instant;
import java.util.UUID;

/**
 * The envelope of a new event: a fresh id, the current schema version, the session and the
 * trace. Producers start every event from one of these.
 */
public record EventMeta(String eventId, String schemaVersion, String sessionId, Instant timestamp, TraceContext trace) {

    /**
     * An envelope whose id is derived from {@code key}: the same key always gives the same id.
     * A turn that runs again after a crash derives the same ids for the same effects, so every
     * idempotent fold and de-duplication keeps only one of each.
     */
    public static EventMeta derived(String sessionId, TraceContext trace, String key) {
        return new EventMeta(UUID.nameUUIDFromBytes(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString(),
                SchemaVersion.CURRENT, sessionId, Instant.now(), trace == null ? TraceContext.NONE : trace);
    }

    /** A new envelope for an event of {@code sessionId}, stamped now. */
    public static EventMeta next(String sessionId, TraceContext trace) {
        return new EventMeta(UUID.randomUUID().toString(), SchemaVersion.CURRENT, sessionId, Instant.now(),
                trace == null ? TraceContext.NONE : trace);
    }
}
