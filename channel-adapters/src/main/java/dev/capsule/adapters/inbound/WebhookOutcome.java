package dev.capsule.adapters.inbound;

import dev.capsule.events.InboundMessage;
import java.util.List;

/** What to do with a webhook call: answer at once, or publish messages and then answer. */
public sealed interface WebhookOutcome {

    /** Answer with {@code status} and a plain-text {@code body}, publishing nothing. */
    record Answer(int status, String body) implements WebhookOutcome {
    }

    /**
     * Publish {@code messages} (each once: its provider id drops the provider's retries), then
     * answer 200; {@code afterwards} runs once they are in Kafka (e.g. Telegram's
     * {@code answerCallbackQuery}), off the request's thread, and may fail without harm.
     */
    record Publish(List<Incoming> messages, Runnable afterwards) implements WebhookOutcome {
    }

    /** One message to publish, and the provider's own id of it ({@code update_id}, {@code event_id}, {@code wamid}). */
    record Incoming(String providerId, InboundMessage message) {
    }

    static Answer answer(int status, String body) {
        return new Answer(status, body);
    }

    static Answer ok() {
        return new Answer(200, "ok");
    }

    static Answer unauthorized(String why) {
        return new Answer(401, why);
    }

    static Answer badRequest(String why) {
        return new Answer(400, why);
    }

    static WebhookOutcome publish(List<Incoming> messages) {
        return messages.isEmpty() ? ok() : new Publish(messages, () -> { });
    }
}
