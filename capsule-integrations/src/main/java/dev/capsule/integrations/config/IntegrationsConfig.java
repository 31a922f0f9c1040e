package dev.capsule.integrations.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The integrations an app offers, bound by configuration as channels are: {@code capsule.integrations.<name>.*}.
 * Each is OAuth 2.0's authorization code grant with PKCE. A {@code preset} (github, google, slack) fills the
 * provider's URLs, label and default scopes, any of which the configuration may override; {@code generic} needs
 * them all. Client secrets belong in the environment ({@code ...client-secret=${GITHUB_CLIENT_SECRET}}).
 */
@ConfigMapping(prefix = "capsule.integrations")
public interface IntegrationsConfig {

    /** Integration name (as the app asks for it, {@code session.integrations().get("github")}) to its settings. */
    @WithParentName
    Map<String, Integration> all();

    /** One integration's settings; what is absent comes from the preset. */
    interface Integration {

        /** {@code github}, {@code google}, {@code slack} or {@code generic}; by default the integration's name when that is a preset. */
        Optional<String> preset();

        /** What the connect button says after "Connect", e.g. {@code GitHub}. */
        Optional<String> label();

        Optional<String> authorizeUrl();

        Optional<String> tokenUrl();

        /** The provider's token revocation endpoint (RFC 7009), called when a user disconnects; none for GitHub. */
        Optional<String> revokeUrl();

        Optional<String> clientId();

        Optional<String> clientSecret();

        Optional<List<String>> scopes();
    }
}
