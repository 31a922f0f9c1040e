package dev.capsule.integrations.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** What every integration's connect flow shares: where the gateway is, and the keys that seal tokens at rest. */
@ConfigMapping(prefix = "capsule.oauth")
public interface OAuthConfig {

    /**
     * The gateway's URL as users' browsers reach it, e.g. {@code https://chat.example.com}: connect links and the
     * providers' redirect URI ({@code <public-url>/integrations/<name>/callback}) are built on it. Required once an
     * integration is configured.
     */
    Optional<String> publicUrl();

    /**
     * The AES-256 key that encrypts tokens at rest: 32 bytes, base64. Required once an integration is configured;
     * keep it in a secret. To rotate, move the old key to {@code previous-token-keys.<its id>} and set a new one
     * with a new {@link #tokenKeyId()}: tokens sealed with the old key stay readable and are sealed anew when
     * they are next refreshed.
     */
    Optional<String> tokenKey();

    /** The id stored beside each token sealed with {@link #tokenKey()}. */
    @WithDefault("1")
    String tokenKeyId();

    /** Earlier keys by id (base64), read only to open tokens they sealed. */
    Map<String, String> previousTokenKeys();

    /** How long a connect link, and then the provider's consent, may take before the user must ask again. */
    @WithDefault("PT10M")
    Duration connectExpiry();

    /** A token this close to its expiry is refreshed before it is handed to the app. */
    @WithDefault("PT1M")
    Duration refreshAhead();

    /** How often each gateway replica deletes connect requests past their expiry. */
    @WithDefault("PT10M")
    Duration purgeEvery();

    /** How long to wait for a provider's token endpoint. */
    @WithDefault("PT10S")
    Duration providerTimeout();
}
