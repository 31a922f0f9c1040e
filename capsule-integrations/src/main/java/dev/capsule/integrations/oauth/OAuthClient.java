package dev.capsule.integrations.oauth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capsule.integrations.config.Integration;
import dev.capsule.integrations.config.OAuthConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.MultiMap;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** OAuth 2.0's client side (RFC 6749, 7636, 7009): the authorize URL, the code exchange, refresh and revocation. */
@ApplicationScoped
public class OAuthClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebClient client;
    private final long timeoutMillis;

    OAuthClient(Vertx vertx, OAuthConfig config) {
        this.client = WebClient.create(vertx, new WebClientOptions().setUserAgent("Capsule"));
        this.timeoutMillis = config.providerTimeout().toMillis();
    }

    /** Where to send the user's browser to consent: the provider's authorize endpoint with state and PKCE. */
    public String authorizeUrl(Integration integration, String redirectUri, String state, String codeChallenge) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", integration.clientId());
        query.put("redirect_uri", redirectUri);
        if (!integration.scopes().isEmpty()) {
            query.put(integration.scopeParameter(), String.join(" ", integration.scopes()));
        }
        query.put("state", state);
        query.put("code_challenge", codeChallenge);
        query.put("code_challenge_method", "S256");
        query.putAll(integration.authorizeParameters());
        String base = integration.authorizeUrl().toString();
        return base + (base.contains("?") ? "&" : "?") + query.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    /** Trades the callback's code for tokens, proving the flow with the PKCE verifier. */
    public Uni<TokenGrant> exchange(Integration integration, String code, String codeVerifier, String redirectUri) {
        return post(integration, MultiMap.caseInsensitiveMultiMap()
                .add("grant_type", "authorization_code").add("code", code).add("redirect_uri", redirectUri)
                .add("client_id", integration.clientId()).add("client_secret", integration.clientSecret())
                .add("code_verifier", codeVerifier), null);
    }

    /** A new access token for a refresh token; the provider may rotate the refresh token too (else the old one stays). */
    public Uni<TokenGrant> refresh(Integration integration, String refreshToken) {
        return post(integration, MultiMap.caseInsensitiveMultiMap()
                .add("grant_type", "refresh_token").add("refresh_token", refreshToken)
                .add("client_id", integration.clientId()).add("client_secret", integration.clientSecret()), refreshToken);
    }

    /** Revokes a token at the provider (RFC 7009); completes at once for a provider without a revocation endpoint. */
    public Uni<Void> revoke(Integration integration, String token, String tokenTypeHint) {
        if (integration.revokeUrl().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return client.postAbs(integration.revokeUrl().get().toString()).timeout(timeoutMillis)
                .sendForm(MultiMap.caseInsensitiveMultiMap().add("token", token).add("token_type_hint", tokenTypeHint)
                        .add("client_id", integration.clientId()).add("client_secret", integration.clientSecret()))
                .map(response -> {
                    // RFC 7009: 200 for a token revoked and for one already invalid alike.
                    if (response.statusCode() != 200) {
                        throw new OAuthException(integration.name(), "HTTP " + response.statusCode(), "on revocation");
                    }
                    JsonNode body = body(response);
                    if (body != null && body.path("ok").isBoolean() && !body.path("ok").asBoolean()) {
                        throw new OAuthException(integration.name(), body.path("error").asText("ok=false"), "on revocation");
                    }
                    return null;
                });
    }

    private Uni<TokenGrant> post(Integration integration, MultiMap form, String previousRefreshToken) {
        return client.postAbs(integration.tokenUrl().toString()).putHeader("Accept", "application/json").timeout(timeoutMillis)
                .sendForm(form)
                .map(response -> grant(integration, response, previousRefreshToken));
    }

    private static TokenGrant grant(Integration integration, HttpResponse<?> response, String previousRefreshToken) {
        JsonNode body = body(response);
        if (body == null) {
            throw new OAuthException(integration.name(), "HTTP " + response.statusCode(), "not a JSON token response");
        }
        if (body.hasNonNull("error") || response.statusCode() / 100 != 2) {
            throw new OAuthException(integration.name(), body.path("error").asText("HTTP " + response.statusCode()),
                    body.path("error_description").asText(null));
        }
        // Slack's v2 flow puts a user token under authed_user.
        JsonNode tokens = !body.hasNonNull("access_token") && body.path("authed_user").hasNonNull("access_token")
                ? body.path("authed_user") : body;
        String access = tokens.path("access_token").asText(null);
        if (access == null || access.isBlank()) {
            throw new OAuthException(integration.name(), "no access_token", "the token response granted no access token");
        }
        String refresh = tokens.path("refresh_token").asText(previousRefreshToken);
        Instant expiresAt = tokens.path("expires_in").canConvertToLong() && tokens.path("expires_in").asLong() > 0
                ? Instant.now().plusSeconds(tokens.path("expires_in").asLong()) : null;
        String scope = tokens.path("scope").asText("");
        List<String> scopes = Arrays.stream(scope.split("[ ,]+")).filter(s -> !s.isBlank()).toList();
        return new TokenGrant(access, refresh, expiresAt, scopes.isEmpty() ? integration.scopes() : scopes);
    }

    private static JsonNode body(HttpResponse<?> response) {
        if (response.body() == null) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(response.bodyAsString());
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }
}
