package dev.capsule.adapters.config;

import java.time.Duration;

/**
 * One named channel resource as the adapters use it: checked, with every default filled in.
 *
 * @param name               the channel's name, e.g. {@code support-telegram}
 * @param type               its provider
 * @param token              the API credential
 * @param webhookSecret      Telegram's secret token, Slack's signing secret or WhatsApp's app secret
 * @param verifyToken        WhatsApp's handshake token, else null
 * @param phoneNumberId      WhatsApp's sending number id, else null
 * @param apiBaseUrl         the provider's API, without a trailing slash
 * @param perChatInterval    least time between two sends to one chat
 * @param perChannelRate     most sends per second over the channel
 * @param streamEditInterval least time between two edits of a streamed message
 */
public record BoundChannel(String name, ChannelType type, String token, String webhookSecret, String verifyToken,
                           String phoneNumberId, String apiBaseUrl, Duration perChatInterval, double perChannelRate,
                           Duration streamEditInterval) {

    /** The prefix of every session and user id of this channel: {@code <type>:<name>:}. */
    public String idPrefix() {
        return type.id() + ":" + name + ":";
    }

    /** An id scoped to this channel, {@code <type>:<name>:<local>}: session ids, user ids. */
    public String scopedId(String local) {
        return idPrefix() + local;
    }

    @Override
    public String toString() {
        // Never the secrets.
        return "BoundChannel[" + name + ", " + type.id() + ", " + apiBaseUrl + "]";
    }
}
