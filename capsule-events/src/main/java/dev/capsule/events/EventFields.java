package dev.capsule.events;

import java.time.Instant;

/** Checks shared by every event's constructor, so that no event exists without its envelope. */
final class EventFields {

    private EventFields() {
    }

    static void check(String eventId, String schemaVersion, String sessionId, Instant timestamp) {
        require(eventId, "eventId");
        require(schemaVersion, "schemaVersion");
        require(sessionId, "sessionId");
        if (timestamp == null) {
            throw new IllegalArgumentException("timestamp is required");
        }
    }

    static String require(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }
}
