package dev.capsule.adapters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.adapters.config.BoundChannel;
import dev.capsule.adapters.config.BoundChannels;
import dev.capsule.adapters.config.ChannelType;
import dev.capsule.adapters.config.ChannelsConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The startup check of the named channels: a pure function of the configuration, so a plain unit test. */
class ChannelConfigTest {

    @Test
    void anyNumberOfChannelsOfAnyTypeBindWithTheirProvidersDefaults() {
        Map<String, BoundChannel> bound = BoundChannels.bind(Map.of(
                "support-telegram", config("telegram").token("t").webhookSecret("s"),
                "sales-telegram", config("telegram").token("t2").webhookSecret("s2"),
                "team-slack", config("slack").token("xoxb").signingSecret("s"),
                "shop-whatsapp", config("whatsapp").token("t").appSecret("a").verifyToken("v").phoneNumberId("1")));

        assertEquals(4, bound.size());
        BoundChannel telegram = bound.get("support-telegram");
        assertEquals(ChannelType.TELEGRAM, telegram.type());
        assertEquals("https://api.telegram.org", telegram.apiBaseUrl());
        assertEquals(Duration.ofSeconds(1), telegram.perChatInterval());
        assertEquals(30, telegram.perChannelRate());
        assertEquals("https://slack.com/api", bound.get("team-slack").apiBaseUrl());
        assertEquals("telegram:support-telegram:42", telegram.scopedId("42"));
        assertTrue(!telegram.toString().contains("t2") && !telegram.toString().contains("\"s\""), "no secrets in logs");
    }

    @Test
    void anOverriddenApiBaseUrlPointsAtAFakeAndLosesItsTrailingSlash() {
        BoundChannel c = BoundChannels.bind(Map.of("demo-telegram",
                config("telegram").token("t").webhookSecret("s").apiBaseUrl("http://localhost:8090/telegram/"))).get("demo-telegram");
        assertEquals("http://localhost:8090/telegram", c.apiBaseUrl());
    }

    @Test
    void aMissingSecretStopsStartupNamingThePropertyToSet() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> BoundChannels.bind(Map.of(
                "support-telegram", config("telegram").token("t"),
                "shop-whatsapp", config("whatsapp").token("t").appSecret("a"))));
        assertTrue(e.getMessage().contains("capsule.channels.support-telegram.webhook-secret is missing"), e.getMessage());
        assertTrue(e.getMessage().contains("capsule.channels.shop-whatsapp.verify-token is missing"), e.getMessage());
        assertTrue(e.getMessage().contains("capsule.channels.shop-whatsapp.phone-number-id is missing"), e.getMessage());
    }

    @Test
    void anUnknownTypeStopsStartupListingTheKnownOnes() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> BoundChannels.bind(Map.of("chat", config("discord").token("t"))));
        assertTrue(e.getMessage().contains("capsule.channels.chat.type 'discord' is unknown: expected telegram, slack or whatsapp"),
                e.getMessage());
    }

    @Test
    void aTelegramSecretTelegramWouldRefuseStopsStartup() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> BoundChannels.bind(Map.of(
                "t", config("telegram").token("t").webhookSecret("has spaces!"))));
        assertTrue(e.getMessage().contains("webhook-secret must be"), e.getMessage());
    }

    private static Config config(String type) {
        return new Config(type, null, null, null, null, null, null, null);
    }

    private record Config(String type, String tokenValue, String webhookSecretValue, String signingSecretValue, String appSecretValue,
                          String verifyTokenValue, String phoneNumberIdValue, String apiBaseUrlValue) implements ChannelsConfig.ChannelConfig {

        Config token(String v) {
            return new Config(type, v, webhookSecretValue, signingSecretValue, appSecretValue, verifyTokenValue, phoneNumberIdValue, apiBaseUrlValue);
        }

        Config webhookSecret(String v) {
            return new Config(type, tokenValue, v, signingSecretValue, appSecretValue, verifyTokenValue, phoneNumberIdValue, apiBaseUrlValue);
        }

        Config signingSecret(String v) {
            return new Config(type, tokenValue, webhookSecretValue, v, appSecretValue, verifyTokenValue, phoneNumberIdValue, apiBaseUrlValue);
        }

        Config appSecret(String v) {
            return new Config(type, tokenValue, webhookSecretValue, signingSecretValue, v, verifyTokenValue, phoneNumberIdValue, apiBaseUrlValue);
        }

        Config verifyToken(String v) {
            return new Config(type, tokenValue, webhookSecretValue, signingSecretValue, appSecretValue, v, phoneNumberIdValue, apiBaseUrlValue);
        }

        Config phoneNumberId(String v) {
            return new Config(type, tokenValue, webhookSecretValue, signingSecretValue, appSecretValue, verifyTokenValue, v, apiBaseUrlValue);
        }

        Config apiBaseUrl(String v) {
            return new Config(type, tokenValue, webhookSecretValue, signingSecretValue, appSecretValue, verifyTokenValue, phoneNumberIdValue, v);
        }

        @Override
        public Optional<String> token() {
            return Optional.ofNullable(tokenValue);
        }

        @Override
        public Optional<String> webhookSecret() {
            return Optional.ofNullable(webhookSecretValue);
        }

        @Override
        public Optional<String> signingSecret() {
            return Optional.ofNullable(signingSecretValue);
        }

        @Override
        public Optional<String> appSecret() {
            return Optional.ofNullable(appSecretValue);
        }

        @Override
        public Optional<String> verifyToken() {
            return Optional.ofNullable(verifyTokenValue);
        }

        @Override
        public Optional<String> phoneNumberId() {
            return Optional.ofNullable(phoneNumberIdValue);
        }

        @Override
        public Optional<String> apiBaseUrl() {
            return Optional.ofNullable(apiBaseUrlValue);
        }

        @Override
        public Optional<Duration> perChatInterval() {
            return Optional.empty();
        }

        @Override
        public OptionalDouble perChannelRate() {
            return OptionalDouble.empty();
        }

        @Override
        public Optional<Duration> streamEditInterval() {
            return Optional.empty();
        }
    }
}
