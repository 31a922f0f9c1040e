package dev.capsule.integrations.config;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The integrations this deployment offers, checked when the service starts: a missing or bad setting stops it
 * with the property's name, rather than failing a user's connect later.
 */
@ApplicationScoped
@Startup
public class IntegrationCatalog {

    private static final Logger LOG = Logger.getLogger(IntegrationCatalog.class);
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");

    private final Map<String, Integration> integrations;
    private final Optional<URI> publicUrl;

    IntegrationCatalog(IntegrationsConfig config, OAuthConfig oauth) {
        List<String> problems = new ArrayList<>();
        Map<String, Integration> checked = new LinkedHashMap<>();
        config.all().forEach((name, settings) -> resolve(name, settings, problems).ifPresent(i -> checked.put(name, i)));
        URI url = null;
        if (!config.all().isEmpty()) {
            url = oauth.publicUrl().map(u -> absolute("capsule.oauth.public-url", u.replaceAll("/+$", ""), problems)).orElse(null);
            if (oauth.publicUrl().isEmpty()) {
                problems.add("capsule.oauth.public-url is required: the gateway's URL as browsers reach it, e.g. https://chat.example.com");
            }
            checkKey("capsule.oauth.token-key", oauth.tokenKey(), true, problems);
            oauth.previousTokenKeys().forEach((id, key) -> checkKey("capsule.oauth.previous-token-keys." + id, Optional.of(key), true,
                    problems));
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("integrations are misconfigured:\n  " + String.join("\n  ", problems));
        }
        this.integrations = Map.copyOf(checked);
        this.publicUrl = Optional.ofNullable(url);
        if (!integrations.isEmpty()) {
            LOG.infof("integrations offered: %s", integrations.values());
        }
    }

    /** The integration of that name, if this deployment offers it. */
    public Optional<Integration> find(String name) {
        return Optional.ofNullable(integrations.get(name));
    }

    /** The integration of that name; a clear error for a name the deployment does not offer. */
    public Integration require(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("no integration named '" + name
                + "' is configured; configured: " + integrations.keySet() + ". Add capsule.integrations." + name + ".*"));
    }

    public List<Integration> all() {
        return List.copyOf(integrations.values());
    }

    /** The gateway's public URL (no trailing slash); present once any integration is configured. */
    public URI publicUrl() {
        return publicUrl.orElseThrow(() -> new IllegalStateException("no integration is configured"));
    }

    /** Where the provider sends the user back: the same for the authorize and the token request, as OAuth requires. */
    public String redirectUri(Integration integration) {
        return publicUrl() + "/integrations/" + integration.name() + "/callback";
    }

    private static Optional<Integration> resolve(String name, IntegrationsConfig.Integration s, List<String> problems) {
        String at = "capsule.integrations." + name + ".";
        int before = problems.size();
        if (!NAME.matcher(name).matches()) {
            problems.add("capsule.integrations." + name + ": an integration's name is 1-40 of a-z, 0-9 and '-'");
        }
        String presetName = s.preset().orElse(Preset.named(name).isPresent() ? name : "generic");
        Preset preset = Preset.named(presetName).orElse(null);
        if (preset == null) {
            problems.add(at + "preset: '" + presetName + "' is not one of github, google, slack, generic");
            return Optional.empty();
        }
        String authorize = s.authorizeUrl().orElse(preset.authorizeUrl);
        String token = s.tokenUrl().orElse(preset.tokenUrl);
        String label = s.label().orElse(preset.label != null ? preset.label : name);
        if (authorize == null) {
            problems.add(at + "authorize-url is required for a generic integration");
        }
        if (token == null) {
            problems.add(at + "token-url is required for a generic integration");
        }
        if (s.clientId().filter(v -> !v.isBlank()).isEmpty()) {
            problems.add(at + "client-id is required (the OAuth app's client id)");
        }
        if (s.clientSecret().filter(v -> !v.isBlank()).isEmpty()) {
            problems.add(at + "client-secret is required; take it from the environment: " + at + "client-secret=${"
                    + name.toUpperCase().replace('-', '_') + "_CLIENT_SECRET}");
        }
        URI authorizeUri = authorize == null ? null : absolute(at + "authorize-url", authorize, problems);
        URI tokenUri = token == null ? null : absolute(at + "token-url", token, problems);
        Optional<URI> revoke = Optional.ofNullable(s.revokeUrl().orElse(preset.revokeUrl)).map(u -> absolute(at + "revoke-url", u, problems));
        if (problems.size() > before) {
            return Optional.empty();
        }
        return Optional.of(new Integration(name, label, authorizeUri, tokenUri, revoke, s.clientId().get(), s.clientSecret().get(),
                List.copyOf(s.scopes().orElse(preset.scopes)), preset.scopeParameter, preset.authorizeParameters));
    }

    private static URI absolute(String property, String value, List<String> problems) {
        try {
            URI uri = new URI(value);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below, with the property's name
        }
        problems.add(property + ": '" + value + "' is not an absolute http(s) URL");
        return null;
    }

    private static void checkKey(String property, Optional<String> value, boolean required, List<String> problems) {
        if (value.isEmpty()) {
            if (required) {
                problems.add(property + " is required: 32 random bytes in base64 (openssl rand -base64 32), kept in a secret");
            }
            return;
        }
        try {
            if (Base64.getDecoder().decode(value.get().trim()).length == 32) {
                return;
            }
        } catch (IllegalArgumentException e) {
            // reported below, with the property's name
        }
        problems.add(property + " must be 32 bytes in base64 (openssl rand -base64 32)");
    }
}
