package dev.capsule.adapters.whatsapp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capsule.adapters.config.BoundChannel;
import dev.capsule.adapters.outbound.JsonApi;
import dev.capsule.adapters.outbound.ProviderHttp;
import dev.capsule.adapters.outbound.Target;
import dev.capsule.adapters.outbound.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The WhatsApp Cloud API messages endpoint, {@code POST /{phone-number-id}/messages}: text
 * messages, interactive reply buttons (up to 3 choices), a list (up to 10) or a URL button (an
 * integration prompt) for show, and the typing indicator for notify. WhatsApp cannot edit a
 * message, so a stream arrives finished.
 */
final class WhatsAppApi extends JsonApi {

    static final int MAX_TEXT = 4096;
    private static final int MAX_BODY = 1024;
    private static final int MAX_DISPLAY_TEXT = 20;
    /** Graph API error codes that mean "slow down" or "try again later" (throughput, pair rate, service). */
    private static final Set<Integer> TRANSIENT = Set.of(1, 2, 4, 80007, 130429, 131000, 131016, 131056);

    WhatsAppApi(BoundChannel channel, ProviderHttp http) {
        super(channel, http, true);
    }

    @Override
    public String send(Target target, String text) {
        ObjectNode body = envelope(target).put("type", "text");
        body.putObject("text").put("preview_url", false).put("body", text);
        return sent(call(target.chat(), body, false));
    }

    @Override
    public boolean canEdit() {
        return false;
    }

    @Override
    public void edit(Target target, String messageId, String text) {
        throw new UnsupportedOperationException("WhatsApp cannot edit a sent message");
    }

    @Override
    public int maxTextLength() {
        return MAX_TEXT;
    }

    @Override
    public void typing(Target target, String status) {
        if (target.ref() == null) {
            return; // the indicator hangs on the user's message being answered
        }
        ObjectNode body = JSON.objectNode().put("messaging_product", "whatsapp").put("status", "read").put("message_id", target.ref());
        body.putObject("typing_indicator").put("type", "text");
        call(null, body, true);
    }

    @Override
    public String show(Target target, ObjectNode block) {
        String fallback = fallbackText(block);
        List<JsonNode> options = new ArrayList<>();
        String prompt = fallback;
        switch (block.path("kind").asText()) {
            case "choice_list" -> {
                block.path("choices").forEach(options::add);
                prompt = block.path("prompt").asText(fallback);
            }
            case "task_card" -> block.path("actions").forEach(options::add);
            case "integration_prompt" -> {
                return link(target, block, fallback);
            }
            default -> {
                // an unknown kind: its fallback text
            }
        }
        ObjectNode interactive = options.isEmpty() ? null
                : options.size() <= 3 && options.stream().allMatch(o -> fits(o, 20)) ? buttons(prompt, options)
                : options.size() <= 10 && options.stream().allMatch(o -> fits(o, 24)) ? list(prompt, options)
                : null;
        if (interactive == null) {
            return send(target, fallback);
        }
        ObjectNode body = envelope(target).put("type", "interactive");
        body.set("interactive", interactive);
        return sent(call(target.chat(), body, false));
    }

    /**
     * An integration prompt as a call-to-action URL button (cta_url); without a web address and a
     * label for it, its text alone, since WhatsApp refuses the whole message over a bad button.
     */
    private String link(Target target, JsonNode block, String fallback) {
        String label = block.path("label").asText("");
        String text = block.path("text").asText("");
        text = !text.isBlank() ? text : !label.isBlank() ? label : fallback;
        String url = block.path("url").asText("");
        if (!webUrl(url) || label.isBlank()) {
            return send(target, truncate(text, MAX_TEXT));
        }
        ObjectNode interactive = JSON.objectNode().put("type", "cta_url");
        interactive.putObject("body").put("text", truncate(text, MAX_BODY));
        interactive.putObject("action").put("name", "cta_url").putObject("parameters")
                .put("display_text", truncate(label, MAX_DISPLAY_TEXT)).put("url", url);
        ObjectNode body = envelope(target).put("type", "interactive");
        body.set("interactive", interactive);
        return sent(call(target.chat(), body, false));
    }


    private static boolean fits(JsonNode option, int maxTitle) {
        String value = option.path("value").asText();
        String label = option.path("label").asText(value);
        return !value.isEmpty() && value.length() <= 200 && !label.isEmpty() && label.length() <= maxTitle;
    }

    private static ObjectNode buttons(String prompt, List<JsonNode> options) {
        ObjectNode interactive = JSON.objectNode().put("type", "button");
        interactive.putObject("body").put("text", truncate(prompt, MAX_BODY));
        ArrayNode buttons = interactive.putObject("action").putArray("buttons");
        options.forEach(o -> buttons.addObject().put("type", "reply").putObject("reply")
                .put("id", o.path("value").asText()).put("title", o.path("label").asText(o.path("value").asText())));
        return interactive;
    }

    private static ObjectNode list(String prompt, List<JsonNode> options) {
        ObjectNode interactive = JSON.objectNode().put("type", "list");
        interactive.putObject("body").put("text", truncate(prompt, MAX_BODY));
        ObjectNode action = interactive.putObject("action").put("button", "Choose");
        ArrayNode rows = action.putArray("sections").addObject().put("title", "Options").putArray("rows");
        options.forEach(o -> rows.addObject().put("id", o.path("value").asText()).put("title", o.path("label").asText(o.path("value").asText())));
        return interactive;
    }

    private static ObjectNode envelope(Target target) {
        return JSON.objectNode().put("messaging_product", "whatsapp").put("recipient_type", "individual").put("to", target.chat());
    }

    private static String sent(JsonNode answer) {
        return answer.path("messages").path(0).path("id").asText();
    }

    private JsonNode call(String chat, ObjectNode body, boolean idempotent) {
        return post("messages", channel.apiBaseUrl() + "/" + channel.phoneNumberId() + "/messages", chat, body, idempotent);
    }

    /** Graph API errors: {@code {"error":{"message":…,"code":…}}}, mostly with HTTP 400. */
    @Override
    protected Verdict verdict(ProviderHttp.Answer answer) {
        JsonNode error = answer.body().path("error");
        if (answer.status() == 200 && error.isMissingNode()) {
            return new Verdict.Ok(answer.body());
        }
        String reason = error.isMissingNode() ? answer.brief()
                : error.path("code").asText() + " " + error.path("message").asText();
        if (answer.status() == 429) {
            return new Verdict.RetryAfter(ProviderHttp.retryAfterHeader(answer, Duration.ofSeconds(1)), reason);
        }
        if (answer.status() >= 500 || TRANSIENT.contains(error.path("code").asInt(-1))) {
            return new Verdict.Retry(reason);
        }
        return new Verdict.Fail(reason);
    }
}
