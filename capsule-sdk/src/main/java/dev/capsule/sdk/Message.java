package dev.capsule.sdk;

import java.time.Instant;

/**
 * A user's message as the handler receives it.
 *
 * @param id        unique id of the message (stable across redeliveries)
 * @param text      what the user wrote
 * @param timestamp when the channel accepted it
 */
public record Message(String id, String text, Instant timestamp) {
}
