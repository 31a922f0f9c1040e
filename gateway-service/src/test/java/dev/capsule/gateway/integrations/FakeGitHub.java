package dev.capsule.gateway.integrations;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * GitHub's OAuth endpoints, faked with WireMock for the gateway's tests, and the gateway's {@code github}
 * integration bound to them (with a revocation endpoint GitHub lacks, to test that path too).
 */
public class FakeGitHub implements QuarkusTestResourceLifecycleManager {

    static final String CLIENT_ID = "capsule-test";
    static final String CLIENT_SECRET = "test-client-secret";
    static final String PUBLIC_URL = "https://chat.example.test";
    static WireMockServer server;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        server.start();
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String base = "http://localhost:" + server.port();
        return Map.of(
                "capsule.oauth.public-url", PUBLIC_URL,
                "capsule.oauth.token-key", Base64.getEncoder().encodeToString(key),
                "capsule.oauth.token-key-id", "test-1",
                "capsule.integrations.github.client-id", CLIENT_ID,
                "capsule.integrations.github.client-secret", CLIENT_SECRET,
                "capsule.integrations.github.authorize-url", base + "/login/oauth/authorize",
                "capsule.integrations.github.token-url", base + "/login/oauth/access_token",
                "capsule.integrations.github.revoke-url", base + "/revoke");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
