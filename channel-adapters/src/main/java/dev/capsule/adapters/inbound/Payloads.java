package dev.capsule.adapters.inbound;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capsule.adapters.config.BoundChannel;
import dev.capsule.adapters.outbound.Target;
import dev.capsule.events.EventCodec;
import dev.capsule.events.EventMeta;
import dev.capsule.events.InboundMessage;
import dev.capsule.events.TraceContext;
import dev.capsule.events.UserRef;
import java.io.IOException;

/** Helpers the providers' webhook readers share. */
public final class Payloads {

    private Payloads() {
    }

    /** The body as JSON, or an {@link IllegalArgumentException} saying it is not. */
    public static JsonNode json(byte[] body) {
        try {
            JsonNode node = EventCodec.mapper().readTree(body);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("the body is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new IllegalArgumentException("the body is not JSON", e);
        }
    }

    /** The text value of {@code node}, or null (numbers as their digits: ids arrive as both). */
    public static String text(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        return node.isValueNode() ? node.asText() : null;
    }

    /**
     * The inbound message for a provider message. Its event id is derived from the provider's
     * id, so that publishing it twice publishes the same event (see {@link InboundPublisher}).
     */
    public static WebhookOutcome.Incoming incoming(BoundChannel channel, String providerId, Target target, String userId,
                                                   boolean shared, String text, WebhookRequest request) {
        return incoming(channel, providerId, target, userId, shared, text, null, request);
    }

    /** The inbound message for a press of one of our buttons: {@link #incoming}, carrying the button's value and label. */
    public static WebhookOutcome.Incoming pressed(BoundChannel channel, String providerId, Target target, String userId,
                                                  boolean shared, InboundMessage.Action action, WebhookRequest request) {
        return incoming(channel, providerId, target, userId, shared, null, action, request);
    }

    private static WebhookOutcome.Incoming incoming(BoundChannel channel, String providerId, Target target, String userId,
                                                    boolean shared, String text, InboundMessage.Action action, WebhookRequest request) {
        String session = Conversations.sessionId(channel, target, userId, shared);
        TraceContext trace = new TraceContext(request.header("traceparent").orElse(null), request.header("tracestate").orElse(null));
        EventMeta meta = EventMeta.derived(session, trace, channel.type().id() + "/" + channel.name() + "/" + providerId);
        UserRef user = Conversations.user(channel, userId);
        return new WebhookOutcome.Incoming(providerId, action == null
                ? InboundMessage.of(meta, user, channel.name(), text, target.route())
                : InboundMessage.pressed(meta, user, channel.name(), action, target.route()));
    }
}
