package dev.capsule.gateway.inbound;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capsule.events.SessionIds;
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
import org.jboss.logging.Logger;

/**
 * Turns a user's raw message into an inbound event on Kafka, for the API and the chat socket
 * alike: checks size, JSON shape and session ownership first, so that bad input is refused
 * with a reason and nothing is published.
 */
@ApplicationScoped
public class MessageIntake {

    private static final Logger LOG = Logger.getLogger(MessageIntake.class);

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
     * Claims {@code sessionId} for {@code user} before a message of theirs is accepted in it: theirs
     * already, or nobody's until now. The claim is durable (PostgreSQL) before this completes, so
     * nothing is published for a session whose owner could still be lost. Another user's session is 403.
     */
    public Uni<Void> claimForMessage(String sessionId, UserRef user) {
        return claim(sessionId, user, true);
    }

    /** Claims a new session id for {@code user} without a message yet: such a claim expires unless a message follows. */
    public Uni<Void> claimNew(String sessionId, UserRef user) {
        return claim(sessionId, user, false);
    }

    /**
     * Checks that {@code sessionId} is {@code user}'s, for everything that reads or follows a session
     * rather than writing in it: 404 when nobody owns it (reading is not claiming), 403 when another user does.
     * Answers whether the claim is final (a message has been accepted in it); one that is not may still lapse.
     */
    public Uni<Boolean> requireOwner(String sessionId, UserRef user) {
        return usableId(sessionId).chain(() -> ownership.lookUp(sessionId, user.id()))
                .onFailure(e -> !(e instanceof Rejection)).transform(e -> unavailable(sessionId, e))
                .chain(claim -> switch (claim) {
                    case MINE -> Uni.createFrom().item(true);
                    case MINE_UNUSED -> Uni.createFrom().item(false);
                    case OTHERS -> Uni.createFrom().failure(othersSession(sessionId));
                    case NOBODY -> Uni.createFrom().failure(new Rejection(404, "no session " + sessionId
                            + ": a session exists once its first message is sent, or after POST /api/sessions"));
                });
    }

    private Uni<Void> claim(String sessionId, UserRef user, boolean withMessage) {
        return usableId(sessionId).chain(() -> ownership.claim(sessionId, user.id(), withMessage))
                .onFailure(e -> !(e instanceof Rejection)).transform(e -> unavailable(sessionId, e))
                .chain(claim -> claim == SessionOwnership.Claim.OTHERS ? Uni.createFrom().failure(othersSession(sessionId))
                        : Uni.createFrom().voidItem());
    }

    /**
     * A web or API session id ({@link SessionIds#isWebId}): no ':', the shape of the named
     * channels' conversations ({@code telegram:<channel>:<chat>}), which a web user must not claim first.
     */
    private static Uni<Void> usableId(String sessionId) {
        return SessionIds.isWebId(sessionId) ? Uni.createFrom().voidItem()
                : Uni.createFrom().failure(new Rejection(400, "a session id is 1 to 128 letters, digits, '.', '_' or '-'"));
    }

    private static Rejection othersSession(String sessionId) {
        return new Rejection(403, "session " + sessionId + " belongs to another user");
    }

    /** PostgreSQL could not say who owns the session: nothing was accepted, and the caller may try again. */
    private static Rejection unavailable(String sessionId, Throwable cause) {
        LOG.warnf("the owner of session %s could not be checked in PostgreSQL: %s", sessionId, cause.toString());
        return new Rejection(503, "who owns session " + sessionId + " cannot be checked right now; try again shortly");
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
     * session is the user's (a cancel claims nothing: 404 for a session nobody owns); completes when Kafka has the request. Whether a turn was still
     * running to stop shows in the turn's own events: its stream ends as cancelled.
     */
    public Uni<Void> cancel(String sessionId, UserRef user, String messageId) {
        if (messageId == null || messageId.isBlank() || messageId.length() > 128) {
            return Uni.createFrom().failure(new Rejection(400, "a cancel names the \"messageId\" of the message whose answer to stop"));
        }
        return requireOwner(sessionId, user).chain(ignored -> Uni.createFrom().completionStage(() -> publisher.publish(Topics.INBOUND,
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
