package dev.capsule.adapters.inbound;

import dev.capsule.adapters.config.BoundChannel;
import dev.capsule.adapters.config.DeliveryConfig;
import dev.capsule.events.Topics;
import dev.capsule.kafka.EventPublisher;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Publishes a webhook's messages to {@code capsule.inbound}, each once although providers
 * deliver their webhooks at least once.
 *
 * <p>Why this order: the provider's id ({@code update_id}, {@code event_id}, {@code wamid})
 * is marked as seen in Redis only after Kafka acknowledged the publish, so a publish that
 * failed (and was answered 503) is never taken for a duplicate: the provider's retry gets
 * through. Two copies that race past the check before either is marked (a Slack retry while
 * the first copy is still being published) are both published, but with the same event id,
 * derived from the provider's id: session-service handles an inbound event id once, so the
 * user still gets one turn and one reply.
 *
 * <p>The Kafka send runs on a worker thread, not the event loop: while the broker is unreachable
 * a producer's {@code send} blocks for up to {@code max.block.ms} waiting for metadata.
 */
@ApplicationScoped
public class InboundPublisher {

    private static final String PREFIX = "capsule:adapters:seen:";

    private final EventPublisher publisher;
    private final ReactiveValueCommands<String, String> values;
    private final long ttlSeconds;

    InboundPublisher(EventPublisher publisher, ReactiveRedisDataSource redis, DeliveryConfig config) {
        this.publisher = publisher;
        this.values = redis.value(String.class);
        this.ttlSeconds = config.dedupTtl().toSeconds();
    }

    /** Publishes every message not seen before; completes when Kafka has them all. */
    public Uni<Void> publishOnce(BoundChannel channel, List<WebhookOutcome.Incoming> messages) {
        return Multi.createFrom().iterable(messages)
                .onItem().transformToUniAndConcatenate(m -> publishOnce(channel, m))
                .collect().last().replaceWithVoid();
    }

    private Uni<Void> publishOnce(BoundChannel channel, WebhookOutcome.Incoming incoming) {
        String key = PREFIX + channel.name() + ":" + incoming.providerId();
        return values.get(key).chain(seen -> seen != null
                ? Uni.createFrom().voidItem()
                : Uni.createFrom().completionStage(() -> publisher.publish(Topics.INBOUND, incoming.message()))
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                        .chain(() -> values.set(key, incoming.message().eventId(), new SetArgs().ex(ttlSeconds))));
    }
}
