package dev.capsule.adapters.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/** What a provider's answer means for the call: done, wait and try again, or give up. */
public sealed interface Verdict {

    /** Delivered; {@code body} is the provider's answer. */
    record Ok(JsonNode body) implements Verdict {
    }

    /** Rate limited: try again after the provider's {@code retry_after} / {@code Retry-After}. */
    record RetryAfter(Duration delay, String reason) implements Verdict {
    }

    /** A transient failure (5xx): try again after back-off. */
    record Retry(String reason) implements Verdict {
    }

    /** A permanent refusal (a chat that does not exist, a blocked bot, a bad token): do not try again. */
    record Fail(String reason) implements Verdict {
    }
}
