package dev.capsule.integrations.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Providers whose OAuth endpoints Capsule knows, from their documentation. {@link #GENERIC} knows none: its
 * configuration gives them all.
 */
public enum Preset {

    /** GitHub OAuth apps and GitHub Apps' user tokens; GitHub has no RFC 7009 revocation endpoint. */
    GITHUB("GitHub", "https://github.com/login/oauth/authorize", "https://github.com/login/oauth/access_token", null,
            List.of("read:user"), "scope", Map.of()),
    /** Google; {@code access_type=offline} and {@code prompt=consent} so that a refresh token is granted. */
    GOOGLE("Google", "https://accounts.google.com/o/oauth2/v2/auth", "https://oauth2.googleapis.com/token",
            "https://oauth2.googleapis.com/revoke", List.of("openid", "email"), "scope",
            Map.of("access_type", "offline", "prompt", "consent")),
    /** Slack's v2 flow for a user token: its scopes go in {@code user_scope}, the token in {@code authed_user}. */
    SLACK("Slack", "https://slack.com/oauth/v2/authorize", "https://slack.com/api/oauth.v2.access",
            "https://slack.com/api/auth.revoke", List.of("users:read"), "user_scope", Map.of()),
    GENERIC(null, null, null, null, List.of(), "scope", Map.of());

    final String label;
    final String authorizeUrl;
    final String tokenUrl;
    final String revokeUrl;
    final List<String> scopes;
    final String scopeParameter;
    final Map<String, String> authorizeParameters;

    Preset(String label, String authorizeUrl, String tokenUrl, String revokeUrl, List<String> scopes, String scopeParameter,
           Map<String, String> authorizeParameters) {
        this.label = label;
        this.authorizeUrl = authorizeUrl;
        this.tokenUrl = tokenUrl;
        this.revokeUrl = revokeUrl;
        this.scopes = scopes;
        this.scopeParameter = scopeParameter;
        this.authorizeParameters = authorizeParameters;
    }

    /** The preset of that name, in any case. */
    public static Optional<Preset> named(String name) {
        for (Preset p : values()) {
            if (p.name().equals(name.toUpperCase(Locale.ROOT))) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
