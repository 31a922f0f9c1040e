package dev.capsule.adapters.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The providers a named channel can be bound to, with each provider's documented defaults:
 * where its API lives and how fast it lets a bot send.
 */
public enum ChannelType {

    /**
     * Telegram Bot API: about one message per second per chat, 30 per second per bot
     * (core.telegram.org/bots/faq, "broadcasting to users"); edits count like sends.
     */
    TELEGRAM("telegram", "https://api.telegram.org", Duration.ofSeconds(1), 30, Duration.ofSeconds(1)),

    /**
     * Slack Web API: {@code chat.postMessage} about one message per second per channel;
     * {@code chat.update} is Tier 3 (50+ per minute), hence the slower edits.
     */
    SLACK("slack", "https://slack.com/api", Duration.ofSeconds(1), 20, Duration.ofMillis(1500)),

    /**
     * WhatsApp Cloud API: 80 messages per second per business number by default; bursts to one
     * user are allowed and the pair limit (error 131056) is met by back-off. It cannot edit.
     */
    WHATSAPP("whatsapp", "https://graph.facebook.com/v21.0", Duration.ZERO, 80, Duration.ZERO);

    private final String id;
    private final String apiBaseUrl;
    private final Duration perChatInterval;
    private final double perChannelRate;
    private final Duration streamEditInterval;

    ChannelType(String id, String apiBaseUrl, Duration perChatInterval, double perChannelRate, Duration streamEditInterval) {
        this.id = id;
        this.apiBaseUrl = apiBaseUrl;
        this.perChatInterval = perChatInterval;
        this.perChannelRate = perChannelRate;
        this.streamEditInterval = streamEditInterval;
    }

    /** The name used in configuration and as the prefix of session and user ids, e.g. {@code telegram}. */
    public String id() {
        return id;
    }

    public String defaultApiBaseUrl() {
        return apiBaseUrl;
    }

    public Duration defaultPerChatInterval() {
        return perChatInterval;
    }

    public double defaultPerChannelRate() {
        return perChannelRate;
    }

    public Duration defaultStreamEditInterval() {
        return streamEditInterval;
    }

    public static Optional<ChannelType> of(String id) {
        return Arrays.stream(values()).filter(t -> t.id.equals(id)).findFirst();
    }

    /** {@code telegram, slack or whatsapp}, for messages. */
    public static String names() {
        String all = Arrays.stream(values()).map(ChannelType::id).collect(Collectors.joining(", "));
        int last = all.lastIndexOf(", ");
        return all.substring(0, last) + " or " + all.substring(last + 2);
    }
}
