package dev.capsule.adapters.telegram;

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
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Telegram Bot API webhooks (core.telegram.org/bots/api#setwebhook): the secret token set with
 * {@code setWebhook} comes back in {@code X-Telegram-Bot-Api-Secret-Token} and is compared in
 * constant time; each {@code Update} carries an {@code update_id} that drops redeliveries.
 * Text messages (or a caption) become user messages, and {@code callback_query} button presses
 * become presses ({@code InboundMessage.action}: the button's value, and its text as the label);
 * everything else is acknowledged and left alone.
 */
@ApplicationScoped
public class TelegramAdapter implements ChannelAdapter {

    static final String SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";
    private static final Logger LOG = Logger.getLogger(TelegramAdapter.class);

    /** What a press of a button whose value has expired shows (see {@link ButtonValues}). */
    static final String EXPIRED_BUTTON = "This button has expired. Please type your answer instead.";

    private final ProviderHttp http;
    private final ButtonValues buttons;

    TelegramAdapter(ProviderHttp http, ButtonValues buttons) {
        this.http = http;
        this.buttons = buttons;
    }

    @Override
    public ChannelType type() {
        return ChannelType.TELEGRAM;
    }

    @Override
    public WebhookOutcome webhook(BoundChannel channel, WebhookRequest request) {
        if (!Signatures.same(request.header(SECRET_HEADER).orElse(null), channel.webhookSecret())) {
            return WebhookOutcome.unauthorized("missing or wrong " + SECRET_HEADER);
        }
        JsonNode update = Payloads.json(request.body());
        JsonNode id = update.get("update_id");
        if (id == null || !id.isIntegralNumber()) {
            return WebhookOutcome.badRequest("an update needs an integer update_id");
        }
        String updateId = id.asText();
        JsonNode message = update.get("message");
        if (message != null && message.isObject()) {
            JsonNode from = message.path("from");
            String text = Payloads.text(message.has("text") ? message.get("text") : message.get("caption"));
            if (text == null || text.isBlank() || from.path("is_bot").asBoolean(false) || !from.has("id")) {
                return WebhookOutcome.ok(); // a sticker, a photo without caption, a bot: nothing to answer
            }
            JsonNode chat = message.path("chat");
            return WebhookOutcome.publish(List.of(Payloads.incoming(channel, updateId, new Target(chat.path("id").asText(), null, null),
                    from.get("id").asText(), shared(chat), text, request)));
        }
        JsonNode callback = update.get("callback_query");
        if (callback != null && callback.isObject()) {
            String data = Payloads.text(callback.get("data"));
            JsonNode chat = callback.path("message").path("chat");
            String callbackId = Payloads.text(callback.get("id"));
            if (data == null || !chat.has("id") || !callback.path("from").has("id")) {
                return WebhookOutcome.ok();
            }
            TelegramApi api = telegram(channel);
            Optional<String> value = buttons.valueOf(channel, data);
            if (value.isEmpty()) {
                LOG.infof("channel %s: a button pressed in chat %s has expired (capsule.delivery.button-ttl); nothing published",
                        channel.name(), chat.get("id").asText());
                return new WebhookOutcome.Publish(List.of(), () -> answer(api, channel, callbackId, EXPIRED_BUTTON));
            }
            WebhookOutcome.Incoming press = Payloads.pressed(channel, updateId, new Target(chat.get("id").asText(), null, null),
                    callback.path("from").get("id").asText(), shared(chat), new InboundMessage.Action(value.get(), buttonText(callback, data)),
                    request);
            return new WebhookOutcome.Publish(List.of(press), () -> answer(api, channel, callbackId, null));
        }
        return WebhookOutcome.ok(); // edited messages, channel posts, member updates: not messages to a session
    }

    /**
     * The label of the pressed button: the text of the button with this {@code callback_data} on the message
     * it was pressed on ({@code message.reply_markup}); null when the update does not carry it (a message too
     * old for Telegram to include), and then the value stands in for the label.
     */
    static String buttonText(JsonNode callback, String data) {
        for (JsonNode row : callback.path("message").path("reply_markup").path("inline_keyboard")) {
            for (JsonNode button : row) {
                if (data.equals(Payloads.text(button.get("callback_data")))) {
                    return Payloads.text(button.get("text"));
                }
            }
        }
        return null;
    }

    private static void answer(TelegramApi api, BoundChannel channel, String callbackId, String notice) {
        try {
            api.answerCallbackQuery(callbackId, notice);
        } catch (RuntimeException e) {
            LOG.debugf("answerCallbackQuery on %s failed: %s (the button's spinner times out by itself)", channel.name(), e.getMessage());
        }
    }

    private static boolean shared(JsonNode chat) {
        return !"private".equals(chat.path("type").asText("private"));
    }

    @Override
    public ProviderApi api(BoundChannel channel) {
        return telegram(channel);
    }

    private TelegramApi telegram(BoundChannel channel) {
        return new TelegramApi(channel, http, buttons);
    }
}
