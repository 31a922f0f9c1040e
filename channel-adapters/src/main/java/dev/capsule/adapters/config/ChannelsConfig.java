package dev.capsule.adapters.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The named channel resources, {@code capsule.channels.<name>.*}: any number, of any type.
 * Secrets belong in the environment or a secret store, referenced from configuration
 * ({@code capsule.channels.support-telegram.token=${SUPPORT_TELEGRAM_TOKEN}}), never committed.
 * {@link BoundChannels} checks them at startup and refuses to start with a clear message.
 */
@ConfigMapping(prefix = "capsule.channels")
public interface ChannelsConfig {

    /** Every named channel, by its name (the name app code uses in {@code Channel.named}). */
    @WithParentName
    Map<String, ChannelConfig> named();

    /** One named channel resource. */
    interface ChannelConfig {

        /** The provider: {@code telegram}, {@code slack} or {@code whatsapp}. */
        String type();

        /** The API credential: Telegram bot token, Slack bot token ({@code xoxb-…}), WhatsApp access token. */
        Optional<String> token();

        /** Telegram: the {@code secret_token} given to {@code setWebhook}, echoed in {@code X-Telegram-Bot-Api-Secret-Token}. */
        Optional<String> webhookSecret();

        /** Slack: the app's signing secret, which signs every request ({@code X-Slack-Signature}). */
        Optional<String> signingSecret();

        /** WhatsApp: the Meta app secret, which signs every webhook ({@code X-Hub-Signature-256}). */
        Optional<String> appSecret();

        /** WhatsApp: the verify token of the {@code hub.challenge} handshake. */
        Optional<String> verifyToken();

        /** WhatsApp: the phone number id replies are sent from. */
        Optional<String> phoneNumberId();

        /** The provider's API base URL; the real provider's by default, a fake's in tests and on the local stack. */
        Optional<String> apiBaseUrl();

        /** Least time between two sends to one chat; the provider's documented limit by default. */
        Optional<Duration> perChatInterval();

        /** Most sends per second over the whole channel (bot, workspace or number); the provider's limit by default. */
        OptionalDouble perChannelRate();

        /** Least time between two edits of a streamed message; by default the per-chat limit allows. */
        Optional<Duration> streamEditInterval();
    }
}
