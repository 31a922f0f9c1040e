package dev.capsule.session.state;

import java.time.Instant;

/** One message of the recent history window kept with the session state. */
public record HistoryItem(String id, String role, String text, Instant timestamp) {
}
