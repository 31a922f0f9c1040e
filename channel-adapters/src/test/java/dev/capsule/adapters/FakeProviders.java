package dev.capsule.adapters;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * The providers' HTTP APIs, faked by WireMock with the same stub mappings a developer starts
 * by hand (docs/channels/fakes), and one named channel of each type bound to them. Limits
 * and back-off are shortened so that tests wait milliseconds where production waits seconds.
 */
public class FakeProviders implements QuarkusTestResourceLifecycleManager {

    public static final String TELEGRAM = "test-telegram";
    public static final String TELEGRAM_TOKEN = "123456:test-token";
    public static final String TELEGRAM_SECRET = "telegram-webhook-secret";
    public static final String SLACK = "test-slack";
    public static final String SLACK_SIGNING_SECRET = "slack-signing-secret";
    public static final String WHATSAPP = "test-whatsapp";
    public static final String WHATSAPP_APP_SECRET = "whatsapp-app-secret";
    public static final String WHATSAPP_VERIFY_TOKEN = "whatsapp-verify-token";
    public static final String WHATSAPP_PHONE_ID = "106540352242922";

    private static WireMockServer server;

    public static synchronized WireMockServer wireMock() {
        if (server == null) {
            server = new WireMockServer(options().dynamicPort().usingFilesUnderDirectory("../docs/channels/fakes"));
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "stop-wiremock"));
        }
        return server;
    }

    @Override
    public Map<String, String> start() {
        String base = "http://localhost:" + wireMock().port();
        Map<String, String> config = new HashMap<>();
        String t = "capsule.channels." + TELEGRAM + ".";
        config.put(t + "type", "telegram");
        config.put(t + "token", TELEGRAM_TOKEN);
        config.put(t + "webhook-secret", TELEGRAM_SECRET);
        config.put(t + "api-base-url", base + "/telegram");
        config.put(t + "per-chat-interval", "PT0.05S");
        config.put(t + "stream-edit-interval", "PT0.2S");
        String s = "capsule.channels." + SLACK + ".";
        config.put(s + "type", "slack");
        config.put(s + "token", "xoxb-test-token");
        config.put(s + "signing-secret", SLACK_SIGNING_SECRET);
        config.put(s + "api-base-url", base + "/slack");
        config.put(s + "per-chat-interval", "PT0.05S");
        config.put(s + "stream-edit-interval", "PT0.2S");
        String w = "capsule.channels." + WHATSAPP + ".";
        config.put(w + "type", "whatsapp");
        config.put(w + "token", "whatsapp-access-token");
        config.put(w + "app-secret", WHATSAPP_APP_SECRET);
        config.put(w + "verify-token", WHATSAPP_VERIFY_TOKEN);
        config.put(w + "phone-number-id", WHATSAPP_PHONE_ID);
        config.put(w + "api-base-url", base + "/whatsapp");
        config.put("capsule.delivery.max-attempts", "3");
        config.put("capsule.delivery.initial-backoff", "PT0.1S");
        config.put("capsule.delivery.request-timeout", "PT3S");
        return config;
    }

    @Override
    public void stop() {
        // The server outlives the application under test; it stops with the JVM.
    }
}
