package dev.capsule.adapters.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How events cross the adapters: outbound delivery to the providers (tries, back-off, timeouts,
 * memory bound) and how long inbound webhooks and provider ids are waited for and remembered.
 */
@ConfigMapping(prefix = "capsule.delivery")
public interface DeliveryConfig {

    /**
     * The Kafka consumer group that delivers {@code capsule.outbound.channels} to the providers: every replica of
     * channel-adapters shares it, so that each event is delivered by one of them.
     */
    @WithDefault("channel-adapters")
    String group();

    /** Tries per provider call (the first included) before the event goes to the dead-letter topic. */
    @WithDefault("5")
    int maxAttempts();

    /** Back-off after the first retryable failure; doubled after each further one. */
    @WithDefault("PT1S")
    Duration initialBackoff();

    /** The longest back-off, and the longest {@code retry_after} honoured before giving up. */
    @WithDefault("PT60S")
    Duration maxBackoff();

    /** How long one provider call may take; past it the outcome is unknown (see {@code DeliveryException}). */
    @WithDefault("PT10S")
    Duration requestTimeout();

    /** Outbound records taken from Kafka but not yet delivered; past this, the consumer pauses. */
    @WithDefault("2000")
    int maxInFlight();

    /** How long a delivery record (what was sent for an event) is kept; at least the outbound topic's retention. */
    @WithDefault("P8D")
    Duration recordTtl();

    /**
     * How long a webhook waits for Kafka to take its messages before it is answered 503, so that
     * the provider retries rather than times out (Slack wants an answer within 3 s). A publish
     * that lands later is not a second turn: the retry carries the same event id.
     */
    @WithDefault("PT2.5S")
    Duration webhookTimeout();

    /** How long a provider's update id is remembered to drop the provider's retries. */
    @WithDefault("P2D")
    Duration dedupTtl();

    /**
     * How long a Telegram button whose value is too long for its {@code callback_data} can still
     * be pressed: its value is kept in Redis that long (see {@code ButtonValues}).
     */
    @WithDefault("P90D")
    Duration buttonTtl();
}
