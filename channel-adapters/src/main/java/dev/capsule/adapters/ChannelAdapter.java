package dev.capsule.adapters;

import dev.capsule.adapters.config.BoundChannel;
import dev.capsule.adapters.config.ChannelType;
import dev.capsule.adapters.inbound.WebhookOutcome;
import dev.capsule.adapters.inbound.WebhookRequest;
import dev.capsule.adapters.outbound.ProviderApi;

/**
 * One provider's adapter: its webhook contract inbound, its API outbound. One CDI bean per
 * provider serves every named channel of that type.
 */
public interface ChannelAdapter {

    ChannelType type();

    /**
     * Handles a webhook call: verifies its signature on the raw body first, then reads the
     * provider's payload into the inbound messages to publish (or an immediate answer: a
     * refusal, a challenge, nothing to do).
     */
    WebhookOutcome webhook(BoundChannel channel, WebhookRequest request);

    /** Answers a {@code GET} on the webhook URL (the WhatsApp subscription handshake). */
    default WebhookOutcome handshake(BoundChannel channel, WebhookRequest request) {
        return WebhookOutcome.answer(405, type().id() + " webhooks are POSTed");
    }

    /** The provider's API for {@code channel}. */
    ProviderApi api(BoundChannel channel);
}
