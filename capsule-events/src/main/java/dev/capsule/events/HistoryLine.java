package dev.capsule.events;

import java.time.Instant;

/**
 * One message of a session's recent history window, as a snapshot carries it.
 *
 * @param id        the event id of the message
 * @param role      {@code user} or {@code app}
 * @param text      the text (for a block, its plain-text rendering)
 * @param timestamp when it was said
 */
public record HistoryLine(String id, String role, String text, Instant timestamp) {
}
