package dev.capsule.integrations.oauth;

import java.time.Instant;
import java.util.List;

/**
 * What a provider's token endpoint granted.
 *
 * @param refreshToken null when the provider grants none
 * @param expiresAt    null when the access token does not expire
 */
public record TokenGrant(String accessToken, String refreshToken, Instant expiresAt, List<String> scopes) {

    /** Tokens stay out of logs. */
    @Override
    public String toString() {
        return "TokenGrant[expiresAt=" + expiresAt + ", scopes=" + scopes + ", refreshable=" + (refreshToken != null) + "]";
    }
}
