/**
 * External channels (Telegram, Slack, WhatsApp) as named channel resources, bound by
 * configuration ({@code capsule.channels.<name>.*}, checked by
 * {@link dev.capsule.adapters.config.BoundChannels}).
 *
 * <p>Inbound ({@code inbound}): {@code POST /channels/{name}/webhook} hands the raw body to the
 * channel's {@link dev.capsule.adapters.ChannelAdapter}, which checks the provider's signature
 * before reading anything and maps the payload to inbound messages (users and sessions as
 * {@link dev.capsule.adapters.inbound.Conversations} says); they are published once per
 * provider id, and the webhook is answered only once Kafka has them.
 *
 * <p>Outbound ({@code outbound}): {@link dev.capsule.adapters.outbound.OutboundConsumer} reads
 * {@code capsule.outbound.channels} in the consumer group {@code channel-adapters} and hands the events of
 * bound channels to per-conversation lanes; {@link dev.capsule.adapters.outbound.Deliverer} turns
 * each into provider calls through {@link dev.capsule.adapters.outbound.ProviderHttp} (pacing,
 * retries, no blind re-send), recording what was sent so that nothing goes out twice, and
 * dead-lettering what cannot go out. Each provider's package holds its webhook reader and API
 * client. See docs/channels for what each provider renders and how to bind a real bot.
 */
package dev.capsule.adapters;
