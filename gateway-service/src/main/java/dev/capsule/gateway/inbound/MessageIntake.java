package dev.capsule.gateway.inbound;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capsule.events.EventCodec;
import dev.capsule.events.EventMeta;
import dev.capsule.events.InboundCancel;
import dev.capsule.events.InboundMessage;
import dev.capsule.events.Topics;
import dev.capsule.events.TraceContext;
import dev.capsule.events.UserRef;
import dev.capsule.gateway.auth.SessionOwnership;
import dev.capsule.kafka.EventPublisher;
import dev.capsule.kafka.MessageTraces;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Turns a user's raw message into an inbound event on Kafka, for the API and the chat socket
 * alike: checks size, JSON shape and session ownership first, so that bad input is refused
 * with a reason and nothing is published.
 */
@ApplicationScoped
public class MessageIntake {

    private final EventPublisher publisher;
    private final SessionOwnership ownership;
    private final MessageTraces traces;
    private final int maxBytes;

    MessageIntake(EventPublisher publisher, SessionOwnership ownership, MessageTraces traces,
                  @ConfigProperty(name = "capsule.gateway.max-message-bytes", defaultValue = "16384") int maxBytes) {
        this.publisher = publisher;
        this.traces = traces;
        this.ownership = ownership;
        this.maxBytes = maxBytes;
    }

    /** Reads {@code {"text": "..."}}, or fails with a {@link Rejection}. */
    public String readText(byte[] body) {
        return textOf(readObject(body));
    }

    /**
     * Reads a user's message as a JSON object, or fails with a {@link Rejection}: the checks
     * every message passes before anything else looks at it, the API's body and a chat frame alike.
     * The size is checked before parsing, so that an oversized message costs no parsing.
     */
    public JsonNode readObject(byte[] message) {
        if (message == null || message.length == 0) {
            throw new Rejection(400, "the message is empty: send {\"text\": \"...\"}");
        }
        if (message.length > maxBytes) {
            throw new Rejection(413, "the message is " + message.length + " bytes; the limit is " + maxBytes);
        }
        JsonNode json;
        try {
            json = EventCodec.mapper().readTree(message);
        } catch (IOException e) {
            throw new Rejection(400, "the message is not JSON: send {\"text\": \"...\"}");
        }
        if (json == null || !json.isObject()) {
            throw new Rejection(400, "the message is not a JSON object: send {\"text\": \"...\"}");
        }
        return json;
    }

    /** The non-blank {@code "text"} string of a message read by {@link #readObject}, or a {@link Rejection}. */
    public String textOf(JsonNode message) {
        if (!message.path("text").isTextual()) {
            throw new Rejection(400, "the message needs a \"text\" string: send {\"text\": \"...\"}");
        }
        String text = message.get("text").textValue();
        if (text.isBlank()) {
            throw new Rejection(400, "the text is empty");
        }
        if (text.indexOf('\u0000') >= 0) {
            // No NUL: PostgreSQL keeps none in a text, so the message could not enter the history.
            throw new Rejection(400, "the text contains a NUL character (\\u0000)");
        }
        return text;
    }

    /**
     * Checks that {@code sessionId} is a usable id owned by (or now claimed for) {@code user}.
     * No ':' in web and API session ids: that shape ({@code telegram:<channel>:<chat>}) belongs
     * to the named channels' conversations, which a web user must not claim first.
     */
    public Uni<Void> checkOwner(String sessionId, UserRef user) {
        if (sessionId == null || !sessionId.matches("[A-Za-z0-9._-]{1,128}")) {
            return Uni.createFrom().failure(new Rejection(400,
                    "a session id is 1 to 128 letters, digits, '.', '_' or '-'"));
        }
        return ownership.claim(sessionId, user.id()).onItem().transformToUni(mine -> mine
                ? Uni.createFrom().voidItem()
                : Uni.createFrom().failure(new Rejection(403, "session " + sessionId + " belongs to another user")));
    }

    /**
     * A new inbound event for {@code text}, not yet published, in a trace begun by this gateway's
     * span: a child of {@code sent} (what the request carried, or {@link TraceContext#NONE}).
     */
    public InboundMessage message(String sessionId, UserRef user, String channel, String text, TraceContext sent) {
        return InboundMessage.of(EventMeta.next(sessionId, traces.accept(channel, sent)), user, channel, text, null);
    }

    /** Publishes {@code message}; completes when Kafka has it. */
    public Uni<Void> publish(InboundMessage message) {
        return Uni.createFrom().completionStage(() -> publisher.publish(Topics.INBOUND, message));
    }

    /**
     * Asks session-service to stop the answer to {@code messageId} (the user's Stop), once the
     * session is the user's; completes when Kafka has the request. Whether a turn was still
     * running to stop shows in the turn's own events: its stream ends as cancelled.
     */
    public Uni<Void> cancel(String sessionId, UserRef user, String messageId) {
        if (messageId == null || messageId.isBlank() || messageId.length() > 128) {
            return Uni.createFrom().failure(new Rejection(400, "a cancel names the \"messageId\" of the message whose answer to stop"));
        }
        return checkOwner(sessionId, user).chain(() -> Uni.createFrom().completionStage(() -> publisher.publish(Topics.INBOUND,
                InboundCancel.of(EventMeta.next(sessionId, TraceContext.NONE), user, messageId))));
    }

    /** Bytes of a text frame or body, as the limit counts them. */
    public static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    /** Bad input, refused with an HTTP status and a reason the user can act on. */
    public static final class Rejection extends RuntimeException {

        private final int status;

        public Rejection(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
