package dev.capsule.adapters.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capsule.adapters.config.BoundChannel;
import dev.capsule.adapters.outbound.JsonApi;
import dev.capsule.adapters.outbound.ProviderHttp;
import dev.capsule.adapters.outbound.Target;
import dev.capsule.adapters.outbound.Verdict;
import java.time.Duration;

/**
 * The Telegram Bot API calls a channel makes: {@code sendMessage}, {@code editMessageText}
 * (streams), {@code sendChatAction} (notify), inline keyboards (show) and
 * {@code answerCallbackQuery}. A 429 carries {@code parameters.retry_after}, which is waited out.
 */
final class TelegramApi extends JsonApi {

    /** Telegram's limit on a message's text. */
    static final int MAX_TEXT = 4096;
    /** Telegram's limit on a button's callback_data, in bytes. */
    static final int MAX_CALLBACK_DATA = 64;

    private final ButtonValues buttons;

    TelegramApi(BoundChannel channel, ProviderHttp http, ButtonValues buttons) {
        super(channel, http, false); // the token is part of the URL
        this.buttons = buttons;
    }

    @Override
    public String send(Target target, String text) {
        ObjectNode body = JSON.objectNode().put("chat_id", target.chat()).put("text", text);
        return call("sendMessage", target.chat(), body, false).path("message_id").asText();
    }

    @Override
    public boolean canEdit() {
        return true;
    }

    @Override
    public void edit(Target target, String messageId, String text) {
        ObjectNode body = JSON.objectNode().put("chat_id", target.chat()).put("message_id", Long.parseLong(messageId)).put("text", text);
        call("editMessageText", target.chat(), body, true);
    }

    @Override
    public int maxTextLength() {
        return MAX_TEXT;
    }

    @Override
    public void typing(Target target, String status) {
        // Telegram shows "typing…" for about 5 s or until the next message; the status text has no place there.
        call("sendChatAction", null, JSON.objectNode().put("chat_id", target.chat()).put("action", "typing"), true);
    }

    @Override
    public String show(Target target, ObjectNode block) {
        String fallback = fallbackText(block);
        ArrayNode rows = JSON.arrayNode();
        String text = fallback;
        switch (block.path("kind").asText()) {
            case "choice_list" -> {
                text = block.path("prompt").asText(fallback);
                block.path("choices").forEach(c -> button(rows, c));
            }
            case "task_card" -> block.path("actions").forEach(a -> button(rows, a));
            case "integration_prompt" -> {
                // without its button the prompt's text goes alone: a link Telegram would refuse fails the whole message
                text = fallback = promptText(block, fallback);
                String label = block.path("label").asText("");
                String url = block.path("url").asText("");
                if (webUrl(url) && !label.isBlank()) {
                    rows.addArray().addObject().put("text", label).put("url", url);
                }
            }
            default -> {
                // an unknown kind: its fallback text
            }
        }
        ObjectNode body = JSON.objectNode().put("chat_id", target.chat()).put("text", text.isBlank() ? "…" : text);
        if (!rows.isEmpty()) {
            body.putObject("reply_markup").set("inline_keyboard", rows);
        } else if (!text.equals(fallback)) {
            body.put("text", fallback); // no button fits: the plain-text rendering lists the choices
        }
        return call("sendMessage", target.chat(), body, false).path("message_id").asText();
    }

    /** One button per row; a value longer than {@code callback_data} allows goes as a token ({@link ButtonValues}). */
    private void button(ArrayNode rows, JsonNode option) {
        String value = option.path("value").asText();
        if (value.isEmpty()) {
            return;
        }
        rows.addArray().addObject().put("text", option.path("label").asText(value))
                .put("callback_data", buttons.callbackData(channel, value));
    }



    /** Stops the pressed button's spinner; {@code notice}, when not null, shows to the user as a brief notice. */
    void answerCallbackQuery(String callbackQueryId, String notice) {
        if (callbackQueryId != null) {
            ObjectNode body = JSON.objectNode().put("callback_query_id", callbackQueryId);
            if (notice != null) {
                body.put("text", notice);
            }
            call("answerCallbackQuery", null, body, true);
        }
    }

    private JsonNode call(String method, String chat, ObjectNode body, boolean idempotent) {
        return post(method, channel.apiBaseUrl() + "/bot" + channel.token() + "/" + method, chat, body, idempotent);
    }

    /** Telegram answers {@code {"ok":true,"result":…}} or {@code {"ok":false,"error_code":…,"description":…}}. */
    @Override
    protected Verdict verdict(ProviderHttp.Answer answer) {
        JsonNode body = answer.body();
        if (answer.status() == 200 && body.path("ok").asBoolean(false)) {
            return new Verdict.Ok(body.path("result"));
        }
        String description = body.path("description").asText(answer.brief());
        if (answer.status() == 429) {
            long seconds = body.path("parameters").path("retry_after").asLong(1);
            return new Verdict.RetryAfter(Duration.ofSeconds(Math.max(1, seconds)), description);
        }
        if (answer.status() == 400 && description.contains("message is not modified")) {
            return new Verdict.Ok(body); // the edit was there already: an edit tried again after an unknown outcome
        }
        if (answer.status() >= 500) {
            return new Verdict.Retry(description);
        }
        return new Verdict.Fail(description);
    }
}
