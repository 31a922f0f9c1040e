package dev.capsule.adapters.slack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capsule.adapters.ChannelAdapter;
import dev.capsule.adapters.config.BoundChannel;
import dev.capsule.adapters.config.ChannelType;
import dev.capsule.adapters.inbound.Payloads;
import dev.capsule.adapters.inbound.Signatures;
import dev.capsule.adapters.inbound.WebhookOutcome;
import dev.capsule.adapters.inbound.WebhookRequest;
import dev.capsule.adapters.outbound.ProviderApi;
import dev.capsule.adapters.outbound.ProviderHttp;
import dev.capsule.adapters.outbound.Target;
import dev.capsule.events.InboundMessage;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Slack's Events API and interactivity (api.slack.com/authentication/verifying-requests-from-slack):
 * every request is signed, {@code v0=HMAC-SHA256(signing secret, "v0:" + X-Slack-Request-Timestamp
 * + ":" + raw body)} in {@code X-Slack-Signature}, checked in constant time, and refused when its
 * timestamp is more than five minutes away (a replay). {@code url_verification} answers the
 * challenge; {@code event_callback} events are dropped by {@code event_id} when Slack retries
 * ({@code X-Slack-Retry-Num}); bots' messages (ours included) and edits are ignored.
 *
 * <p>Which events: {@code message} in a DM ({@code message.im}) and {@code app_mention} in
 * channels. A mention in a channel opens a thread, and that thread is the session; the reply
 * goes into it. {@code block_actions} (a button press on one of our blocks, POSTed as
 * {@code payload=…} form data to the same URL) comes back as a press ({@code InboundMessage.action}): the
 * button's value, and its text as the label.
 */
@ApplicationScoped
public class SlackAdapter implements ChannelAdapter {

    static final Duration MAX_SKEW = Duration.ofMinutes(5);
    /** Our blocks' {@code block_id}s start with this, followed by the route of the conversation. */
    static final String BLOCK_PREFIX = "capsule:";

    private final ProviderHttp http;
    private final Clock clock;

    SlackAdapter(ProviderHttp http) {
        this.http = http;
        this.clock = Clock.systemUTC();
    }

    @Override
    public ChannelType type() {
        return ChannelType.SLACK;
    }

    @Override
    public WebhookOutcome webhook(BoundChannel channel, WebhookRequest request) {
        String refused = verify(channel, request, clock);
        if (refused != null) {
            return WebhookOutcome.unauthorized(refused);
        }
        String contentType = request.header("content-type").orElse("");
        if (contentType.startsWith("application/x-www-form-urlencoded")) {
            return interaction(channel, request);
        }
        JsonNode body = Payloads.json(request.body());
        return switch (body.path("type").asText()) {
            case "url_verification" -> WebhookOutcome.answer(200, body.path("challenge").asText());
            case "event_callback" -> event(channel, request, body);
            default -> WebhookOutcome.ok();
        };
    }

    /** Why the request is refused, or null when its signature holds. */
    static String verify(BoundChannel channel, WebhookRequest request, Clock clock) {
        String timestamp = request.header("x-slack-request-timestamp").orElse(null);
        String signature = request.header("x-slack-signature").orElse(null);
        if (timestamp == null || signature == null) {
            return "missing X-Slack-Request-Timestamp or X-Slack-Signature";
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            return "X-Slack-Request-Timestamp is not a number";
        }
        if (Math.abs(clock.instant().getEpochSecond() - seconds) > MAX_SKEW.toSeconds()) {
            return "X-Slack-Request-Timestamp is more than 5 minutes away: refused as a possible replay";
        }
        String expected = "v0=" + Signatures.hmacSha256Hex(channel.webhookSecret(),
                ("v0:" + timestamp.trim() + ":").getBytes(StandardCharsets.UTF_8), request.body());
        return Signatures.same(signature, expected) ? null : "X-Slack-Signature does not match";
    }

    private WebhookOutcome event(BoundChannel channel, WebhookRequest request, JsonNode body) {
        String eventId = Payloads.text(body.get("event_id"));
        JsonNode event = body.path("event");
        String type = event.path("type").asText();
        String user = Payloads.text(event.get("user"));
        String text = Payloads.text(event.get("text"));
        String chat = Payloads.text(event.get("channel"));
        if (eventId == null || user == null || text == null || chat == null
                || event.has("bot_id") || event.has("subtype") || event.has("bot_profile")) {
            return WebhookOutcome.ok(); // bots (ourselves too), edits, joins: not a user's message
        }
        boolean direct = "im".equals(event.path("channel_type").asText()) || chat.startsWith("D");
        String thread = Payloads.text(event.get("thread_ts"));
        if ("message".equals(type) && direct) {
            return WebhookOutcome.publish(List.of(Payloads.incoming(channel, eventId, new Target(chat, thread, null), user,
                    false, text, request)));
        }
        if ("app_mention".equals(type)) {
            String ts = Payloads.text(event.get("ts"));
            Target target = new Target(chat, thread != null ? thread : ts, null);
            return WebhookOutcome.publish(List.of(Payloads.incoming(channel, eventId, target, user, !direct,
                    stripMention(text), request)));
        }
        return WebhookOutcome.ok(); // channel messages without a mention are not for the bot
    }

    private WebhookOutcome interaction(BoundChannel channel, WebhookRequest request) {
        String form = new String(request.body(), StandardCharsets.UTF_8);
        String payload = null;
        for (String pair : form.split("&")) {
            if (pair.startsWith("payload=")) {
                payload = URLDecoder.decode(pair.substring("payload=".length()), StandardCharsets.UTF_8);
            }
        }
        if (payload == null) {
            return WebhookOutcome.badRequest("an interaction needs a payload");
        }
        JsonNode body = Payloads.json(payload.getBytes(StandardCharsets.UTF_8));
        if (!"block_actions".equals(body.path("type").asText()) || !body.path("actions").isArray() || body.path("actions").isEmpty()) {
            return WebhookOutcome.ok();
        }
        JsonNode action = body.path("actions").get(0);
        String blockId = action.path("block_id").asText("");
        String value = Payloads.text(action.get("value"));
        String user = Payloads.text(body.path("user").get("id"));
        String chat = Payloads.text(body.path("container").get("channel_id"));
        if (chat == null) {
            chat = Payloads.text(body.path("channel").get("id"));
        }
        Target target = blockId.startsWith(BLOCK_PREFIX) ? Target.ofRoute(blockId.substring(BLOCK_PREFIX.length())) : null;
        if (target == null || value == null || user == null || !target.chat().equals(chat)) {
            return WebhookOutcome.ok(); // not one of our blocks' buttons
        }
        String pressId = "action:" + body.path("container").path("message_ts").asText() + ":" + action.path("action_ts").asText()
                + ":" + user;
        boolean direct = target.chat().startsWith("D");
        String label = Payloads.text(action.path("text").get("text"));
        return WebhookOutcome.publish(List.of(Payloads.pressed(channel, pressId, target, user, !direct,
                new InboundMessage.Action(value, label), request)));
    }

    /** {@code "<@U0BOT> hello"} → {@code "hello"}: the mention that woke the bot is not part of the message. */
    static String stripMention(String text) {
        String stripped = text.replaceFirst("^\\s*<@[A-Z0-9]+>\\s*", "");
        return stripped.isBlank() ? text.strip() : stripped;
    }

    @Override
    public ProviderApi api(BoundChannel channel) {
        return new SlackApi(channel, http);
    }
}
