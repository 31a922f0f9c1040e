package dev.capsule.sdk;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The user's connection to an integration, with an access token to call the provider's API now. Capsule refreshes
 * the token before handing it out when it is about to expire; ask {@link Integrations#get} again rather than keep
 * it past the turn.
 *
 * @param integration the integration's name, as configured ({@code capsule.integrations.<name>})
 * @param accessToken the bearer token for the provider's API
 * @param scopes      what the user granted
 * @param expiresAt   when the token expires, or null when it does not
 * @param connectedAt when the user connected
 */
public record Connection(String integration, String accessToken, List<String> scopes, Instant expiresAt, Instant connectedAt) {

    /** When the token expires, if it does. */
    public Optional<Instant> expiry() {
        return Optional.ofNullable(expiresAt);
    }

    /** The token stays out of logs and exception messages. */
    @Override
    public String toString() {
        return "Connection[" + integration + ", scopes=" + scopes + ", expiresAt=" + expiresAt + "]";
    }
}
