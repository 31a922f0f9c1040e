package dev.capsule.adapters.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capsule.adapters.config.BoundChannel;
import dev.capsule.adapters.outbound.JsonApi;
import dev.capsule.adapters.outbound.ProviderHttp;
import dev.capsule.adapters.outbound.Target;
import dev.capsule.adapters.outbound.Verdict;
import java.time.Duration;
import java.util.Set;

/**
 * The Slack Web API calls a channel makes: {@code chat.postMessage} (in the session's thread),
 * {@code chat.update} (streams), {@code assistant.threads.setStatus} (notify, in threads) and
 * Block Kit for show. Slack answers errors as {@code {"ok":false,"error":…}} with HTTP 200;
 * rate limits as HTTP 429 with {@code Retry-After}.
 */
final class SlackApi extends JsonApi {

    /** Slack truncates a message's text past 40,000 characters and advises 4,000. */
    static final int MAX_TEXT = 4000;
    private static final int MAX_BUTTON_TEXT = 75;
    private static final int MAX_BUTTON_VALUE = 2000;
    private static final int MAX_BUTTON_URL = 3000;
    private static final int MAX_SECTION_TEXT = 3000;
    /** Errors that say "try again later", as opposed to a mistake that will not change. */
    private static final Set<String> TRANSIENT = Set.of("internal_error", "fatal_error", "service_unavailable",
            "request_timeout", "ratelimited", "team_added_to_org");

    SlackApi(BoundChannel channel, ProviderHttp http) {
        super(channel, http, true);
    }

    @Override
    public String send(Target target, String text) {
        return call("chat.postMessage", target.chat(), message(target, text), false).path("ts").asText();
    }

    @Override
    public boolean canEdit() {
        return true;
    }

    @Override
    public void edit(Target target, String messageId, String text) {
        ObjectNode body = JSON.objectNode().put("channel", target.chat()).put("ts", messageId).put("text", text);
        call("chat.update", target.chat(), body, true);
    }

    @Override
    public int maxTextLength() {
        return MAX_TEXT;
    }

    @Override
    public void typing(Target target, String status) {
        if (target.thread() == null) {
            return; // Slack shows a bot's status in a thread only
        }
        ObjectNode body = JSON.objectNode().put("channel_id", target.chat()).put("thread_ts", target.thread())
                .put("status", status.length() > 50 ? status.substring(0, 50) : status);
        call("assistant.threads.setStatus", null, body, true);
    }

    @Override
    public String show(Target target, ObjectNode block) {
        String fallback = fallbackText(block);
        ObjectNode body = message(target, fallback);
        ArrayNode blocks = JSON.arrayNode();
        switch (block.path("kind").asText()) {
            case "choice_list" -> {
                blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn")
                        .put("text", block.path("prompt").asText(fallback));
                buttons(blocks, target, block.path("choices"));
            }
            case "task_card" -> {
                blocks.addObject().put("type", "header").putObject("text").put("type", "plain_text")
                        .put("text", truncate(block.path("title").asText(), 150));
                ObjectNode section = blocks.addObject().put("type", "section");
                section.putObject("text").put("type", "mrkdwn").put("text", "Status: *" + block.path("status").asText() + "*");
                if (!block.path("fields").isEmpty()) {
                    ArrayNode fields = section.putArray("fields");
                    block.path("fields").forEach(f -> {
                        if (fields.size() < 10) {
                            fields.addObject().put("type", "mrkdwn")
                                    .put("text", "*" + f.path("label").asText() + "*\n" + f.path("value").asText());
                        }
                    });
                }
                buttons(blocks, target, block.path("actions"));
            }
            case "integration_prompt" -> {
                String text = promptText(block, fallback);
                body.put("text", text);
                ObjectNode section = blocks.addObject().put("type", "section");
                section.putObject("text").put("type", "plain_text").put("text", truncate(text, MAX_SECTION_TEXT));
                String label = block.path("label").asText("");
                String url = block.path("url").asText("");
                if (webUrl(url) && url.length() <= MAX_BUTTON_URL && !label.isBlank()) {
                    // Slack still posts a press of a link button to the interactivity URL: with no value and a
                    // block_id not ours, SlackAdapter acknowledges it and takes it for no action
                    ObjectNode button = section.putObject("accessory").put("type", "button").put("action_id", "capsule-link")
                            .put("url", url);
                    button.putObject("text").put("type", "plain_text").put("text", truncate(label, MAX_BUTTON_TEXT));
                }
            }
            default -> {
                // an unknown kind: its fallback text alone
            }
        }
        if (!blocks.isEmpty()) {
            body.set("blocks", blocks);
        }
        return call("chat.postMessage", target.chat(), body, false).path("ts").asText();
    }

    /** An actions block of buttons whose {@code block_id} carries the conversation's route back on a press. */
    private static void buttons(ArrayNode blocks, Target target, JsonNode options) {
        ArrayNode elements = JSON.arrayNode();
        int i = 0;
        for (JsonNode option : options) {
            String value = option.path("value").asText();
            if (value.isEmpty() || value.length() > MAX_BUTTON_VALUE || elements.size() == 25) {
                continue;
            }
            ObjectNode button = elements.addObject().put("type", "button").put("action_id", "capsule-" + i++).put("value", value);
            button.putObject("text").put("type", "plain_text").put("text", truncate(option.path("label").asText(value), MAX_BUTTON_TEXT));
        }
        if (!elements.isEmpty()) {
            blocks.addObject().put("type", "actions").put("block_id", SlackAdapter.BLOCK_PREFIX + target.route()).set("elements", elements);
        }
    }



    private static ObjectNode message(Target target, String text) {
        ObjectNode body = JSON.objectNode().put("channel", target.chat()).put("text", text);
        if (target.thread() != null) {
            body.put("thread_ts", target.thread());
        }
        return body;
    }

    private JsonNode call(String method, String chat, ObjectNode body, boolean idempotent) {
        return post(method, channel.apiBaseUrl() + "/" + method, chat, body, idempotent);
    }

    @Override
    protected Verdict verdict(ProviderHttp.Answer answer) {
        if (answer.status() == 429) {
            return new Verdict.RetryAfter(ProviderHttp.retryAfterHeader(answer, Duration.ofSeconds(1)), "ratelimited");
        }
        if (answer.status() >= 500) {
            return new Verdict.Retry(answer.brief());
        }
        JsonNode body = answer.body();
        if (answer.status() == 200 && body.path("ok").asBoolean(false)) {
            return new Verdict.Ok(body);
        }
        String error = body.path("error").asText(answer.brief());
        return TRANSIENT.contains(error) ? new Verdict.Retry(error) : new Verdict.Fail(error);
    }
}
