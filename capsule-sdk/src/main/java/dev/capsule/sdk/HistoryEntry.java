package dev.capsule.sdk;

import java.time.Instant;

/**
 * One message of a conversation's history.
 *
 * @param id        the message's id
 * @param role      who said it
 * @param text      what was said (for a block, its plain-text rendering)
 * @param timestamp when
 */
public record HistoryEntry(String id, Role role, String text, Instant timestamp) {

    /** Who said a message. */
    public enum Role {
        /** The user. */
        USER,
        /** The app. */
        APP
    }
}
