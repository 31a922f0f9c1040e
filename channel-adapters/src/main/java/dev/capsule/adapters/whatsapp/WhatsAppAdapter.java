package dev.capsule.adapters.whatsapp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capsule.adapters.ChannelAdapter;
import dev.capsule.adapters.config.BoundChannel;
import dev.capsule.adapters.config.ChannelType;
import dev.capsule.adapters.config.DeliveryConfig;
import dev.capsule.adapters.inbound.Payloads;
import dev.capsule.adapters.inbound.Signatures;
import dev.capsule.adapters.inbound.WebhookOutcome;
import dev.capsule.adapters.inbound.WebhookRequest;
import dev.capsule.adapters.outbound.ProviderApi;
import dev.capsule.adapters.outbound.ProviderHttp;
import dev.capsule.adapters.outbound.Target;
import dev.capsule.events.InboundMessage;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.redis.datasource.value.ValueCommands;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * WhatsApp Cloud API webhooks (developers.facebook.com/docs/graph-api/webhooks/getting-started):
 * the {@code hub.mode=subscribe} / {@code hub.verify_token} / {@code hub.challenge} handshake on
 * {@code GET}; on {@code POST}, {@code X-Hub-Signature-256: sha256=HMAC-SHA256(app secret, raw
 * body)} checked in constant time. {@code entry[].changes[].value.messages[]} become user
 * messages, dropped by {@code wamid} when Meta delivers them again; text is read as text, interactive
 * replies (button and list) and quick-reply buttons as presses ({@code InboundMessage.action}), other
 * media ignored.
 * {@code statuses[]} (sent, delivered, read, failed) are recorded in Redis and logged, never
 * taken for messages.
 */
@ApplicationScoped
public class WhatsAppAdapter implements ChannelAdapter {

    private static final Logger LOG = Logger.getLogger(WhatsAppAdapter.class);
    private static final String STATUS_PREFIX = "capsule:adapters:whatsapp-status:";

    private final ProviderHttp http;
    private final ValueCommands<String, String> values;
    private final long statusTtl;

    WhatsAppAdapter(ProviderHttp http, RedisDataSource redis, DeliveryConfig config) {
        this.http = http;
        this.values = redis.value(String.class);
        this.statusTtl = config.recordTtl().toSeconds();
    }

    @Override
    public ChannelType type() {
        return ChannelType.WHATSAPP;
    }

    @Override
    public WebhookOutcome handshake(BoundChannel channel, WebhookRequest request) {
        if ("subscribe".equals(request.param("hub.mode").orElse(null))
                && Signatures.same(request.param("hub.verify_token").orElse(null), channel.verifyToken())) {
            return WebhookOutcome.answer(200, request.param("hub.challenge").orElse(""));
        }
        return WebhookOutcome.answer(403, "hub.verify_token does not match");
    }

    @Override
    public WebhookOutcome webhook(BoundChannel channel, WebhookRequest request) {
        String expected = "sha256=" + Signatures.hmacSha256Hex(channel.webhookSecret(), request.body());
        if (!Signatures.same(request.header("x-hub-signature-256").orElse(null), expected)) {
            return WebhookOutcome.unauthorized("missing or wrong X-Hub-Signature-256");
        }
        JsonNode body = Payloads.json(request.body());
        List<WebhookOutcome.Incoming> messages = new ArrayList<>();
        List<JsonNode> statuses = new ArrayList<>();
        for (JsonNode entry : body.path("entry")) {
            for (JsonNode change : entry.path("changes")) {
                JsonNode value = change.path("value");
                String number = value.path("metadata").path("phone_number_id").asText(channel.phoneNumberId());
                if (!number.equals(channel.phoneNumberId())) {
                    continue; // another number of the same business account
                }
                for (JsonNode message : value.path("messages")) {
                    String from = Payloads.text(message.get("from"));
                    String wamid = Payloads.text(message.get("id"));
                    if (from == null || wamid == null) {
                        continue;
                    }
                    Target target = new Target(from, null, wamid);
                    InboundMessage.Action press = pressOf(message);
                    String text = textOf(message);
                    if (press != null) {
                        messages.add(Payloads.pressed(channel, wamid, target, from, false, press, request));
                    } else if (text != null && !text.isBlank()) {
                        messages.add(Payloads.incoming(channel, wamid, target, from, false, text, request));
                    }
                }
                value.path("statuses").forEach(statuses::add);
            }
        }
        if (messages.isEmpty() && statuses.isEmpty()) {
            return WebhookOutcome.ok();
        }
        return new WebhookOutcome.Publish(messages, () -> statuses.forEach(s -> record(channel, s)));
    }

    /** The user's words: a text's body; null for anything else (a press, images, audio, locations…: not read as text). */
    static String textOf(JsonNode message) {
        return "text".equals(message.path("type").asText()) ? Payloads.text(message.path("text").get("body")) : null;
    }

    /**
     * The button pressed, or null: a chosen reply button or list row of ours ({@code interactive}: its id is
     * our value, its title the label), or a template's quick-reply button ({@code button}: its payload,
     * else its text, and its text as the label).
     */
    static InboundMessage.Action pressOf(JsonNode message) {
        String value;
        String label;
        switch (message.path("type").asText()) {
            case "interactive" -> {
                JsonNode interactive = message.path("interactive");
                JsonNode reply = interactive.has("button_reply") ? interactive.get("button_reply") : interactive.path("list_reply");
                value = Payloads.text(reply.get("id"));
                label = Payloads.text(reply.get("title"));
            }
            case "button" -> {
                label = Payloads.text(message.path("button").get("text"));
                String payload = Payloads.text(message.path("button").get("payload"));
                value = payload != null ? payload : label;
            }
            default -> {
                return null;
            }
        }
        return value == null || value.isBlank() ? null : new InboundMessage.Action(value, label);
    }

    private void record(BoundChannel channel, JsonNode status) {
        String wamid = status.path("id").asText();
        String state = status.path("status").asText();
        if ("failed".equals(state)) {
            LOG.warnf("%s: message %s to %s failed: %s", channel.name(), wamid, status.path("recipient_id").asText(),
                    status.path("errors"));
        } else {
            LOG.debugf("%s: message %s %s", channel.name(), wamid, state);
        }
        try {
            values.set(STATUS_PREFIX + channel.name() + ":" + wamid, state, new SetArgs().ex(statusTtl));
        } catch (RuntimeException e) {
            LOG.debugf("status of %s not recorded: %s", wamid, e.getMessage());
        }
    }

    /** The recorded status of a sent message ({@code sent}, {@code delivered}, {@code read}, {@code failed}), or null. */
    public String status(BoundChannel channel, String wamid) {
        return values.get(STATUS_PREFIX + channel.name() + ":" + wamid);
    }

    @Override
    public ProviderApi api(BoundChannel channel) {
        return new WhatsAppApi(channel, http);
    }
}
