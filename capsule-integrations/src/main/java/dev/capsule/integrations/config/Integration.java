package dev.capsule.integrations.config;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One integration as configured and checked: its preset's values with the configuration's over them.
 *
 * @param scopeParameter      the authorize request's parameter for the scopes ({@code scope}, or Slack's {@code user_scope})
 * @param authorizeParameters further parameters the provider needs on its authorize request
 */
public record Integration(String name, String label, URI authorizeUrl, URI tokenUrl, Optional<URI> revokeUrl, String clientId,
                          String clientSecret, List<String> scopes, String scopeParameter,
                          Map<String, String> authorizeParameters) {

    /** The secret stays out of logs and exception messages. */
    @Override
    public String toString() {
        return "Integration[" + name + ", " + authorizeUrl + ", client " + clientId + ", scopes " + scopes + "]";
    }
}
