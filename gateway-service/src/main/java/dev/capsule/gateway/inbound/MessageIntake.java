package dev.capsule.gateway.inbound;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capsule.events.SessionIds;
import dev.capsule.events.EventCodec;
import dev.capsule.events.EventMeta;
import dev.capsule.events.InboundCancel;
import dev.capsule.events.InboundClose;
import dev.capsule.events.InboundMessage;
import dev.capsule.events.Topics;
import dev.capsule.events.TraceContext;
import dev.capsule.events.UserRef;
import dev.capsule.gateway.GatewayConfig;
import dev.capsule.gateway.auth.SessionOwnership;
import dev.capsule.gateway.limits.RateLimits;
import dev.capsule.gateway.delivery.FirstReplies;
import dev.capsule.kafka.EventPublisher;
import dev.capsule.kafka.LogContext;
import dev.capsule.kafka.MessageTraces;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.jboss.logging.Logger;

/**
 * Turns a user's raw message into an inbound event on Kafka, for the API and the chat socket
 * alike: checks size, JSON shape and session ownership first, so that bad input is refused
 * with a reason and nothing is published.
 */
@ApplicationScoped
public class MessageIntake {

    private static final Logger LOG = Logger.getLogger(MessageIntake.class);

    /**
     * The most characters a button's value or label may have: 2000, a Slack button's value, the most any
     * channel carries back from a press (a longer value could not work on every channel anyway).
     */
    public static final int MAX_ACTION_CHARS = 2000;

    private static final String SEND = "send {\"text\": \"...\"}, or for a pressed button"
            + " {\"action\": {\"value\": \"...\", \"label\": \"...\"}}";

    private final EventPublisher publisher;
    private final FirstReplies firstReplies;
    private final SessionOwnership ownership;
    private final MessageTraces traces;
    private final int maxBytes;
    private final RateLimits limits;

    MessageIntake(EventPublisher publisher, SessionOwnership ownership, MessageTraces traces, RateLimits limits,
                  FirstReplies firstReplies,
                  GatewayConfig config) {
        this.publisher = publisher;
        this.firstReplies = firstReplies;
        this.limits = limits;
        this.traces = traces;
        this.ownership = ownership;
        this.maxBytes = config.maxMessageBytes();
    }

    /** Reads {@code {"text": "..."}} or {@code {"action": {"value": "...", "label": "..."}}}, or fails with a {@link Rejection}. */
    public Content readContent(byte[] body) {
        return contentOf(readObject(body));
    }

    /**
     * Reads a user's message as a JSON object, or fails with a {@link Rejection}: the checks
     * every message passes before anything else looks at it, the API's body and a chat frame alike.
     * The size is checked before parsing, so that an oversized message costs no parsing.
     */
    public JsonNode readObject(byte[] message) {
        if (message == null || message.length == 0) {
            throw new Rejection(400, "the message is empty: " + SEND);
        }
        if (message.length > maxBytes) {
            throw new Rejection(413, "the message is " + message.length + " bytes; the limit is " + maxBytes);
        }
        JsonNode json;
        try {
            json = EventCodec.mapper().readTree(message);
        } catch (IOException e) {
            throw new Rejection(400, "the message is not JSON: " + SEND);
        }
        if (json == null || !json.isObject()) {
            throw new Rejection(400, "the message is not a JSON object: " + SEND);
        }
        return json;
    }

    /**
     * What a message read by {@link #readObject} says, or a {@link Rejection}: its non-blank {@code "text"},
     * or its {@code "action"}, a button press whose {@code "value"} (1 to {@link #MAX_ACTION_CHARS} characters)
     * the app acts on and whose {@code "label"} (optional, up to as many; the value when absent) the
     * conversation shows. Never both: a message is either typed or pressed.
     */
    public Content contentOf(JsonNode message) {
        boolean typed = present(message.path("text"));
        boolean pressed = present(message.path("action"));
        if (typed && pressed) {
            throw new Rejection(400, "a message has a \"text\" or an \"action\", not both: " + SEND);
        }
        if (pressed) {
            return new Content(null, actionOf(message.get("action")));
        }
        if (!message.path("text").isTextual()) {
            throw new Rejection(400, "the message needs a \"text\" string: " + SEND);
        }
        String text = message.get("text").textValue();
        if (text.isBlank()) {
            throw new Rejection(400, "the text is empty");
        }
        return new Content(storable(text, "the text"), null);
    }

    private static InboundMessage.Action actionOf(JsonNode action) {
        JsonNode label = action.path("label");
        if (!action.path("value").isTextual() || present(label) && !label.isTextual()) {
            throw new Rejection(400, "an \"action\" is {\"value\": \"...\", \"label\": \"...\"}: the value the pressed"
                    + " button was given, and the label it showed (optional)");
        }
        String value = action.get("value").textValue();
        if (value.isBlank()) {
            throw new Rejection(400, "the action's value is empty");
        }
        if (value.length() > MAX_ACTION_CHARS || label.textValue() != null && label.textValue().length() > MAX_ACTION_CHARS) {
            throw new Rejection(400, "an action's value and label are at most " + MAX_ACTION_CHARS + " characters each");
        }
        return new InboundMessage.Action(storable(value, "the action's value"),
                label.textValue() == null ? null : storable(label.textValue(), "the action's label"));
    }

    private static boolean present(JsonNode node) {
        return !node.isMissingNode() && !node.isNull();
    }

    /** {@code words} unless it holds a NUL, which PostgreSQL keeps in no text, so that the message could not enter the history. */
    private static String storable(String words, String what) {
        if (words.indexOf('\u0000') >= 0) {
            throw new Rejection(400, what + " contains a NUL character (\\u0000)");
        }
        return words;
    }

    /**
     * Claims {@code sessionId} for {@code user} before a message of theirs is accepted in it: theirs
     * already, or nobody's until now. The claim is durable (PostgreSQL) before this completes, so
     * nothing is published for a session whose owner could still be lost. Another user's session is 403.
     */
    public Uni<Void> claimForMessage(String sessionId, UserRef user) {
        // Counted once the session is known to be the user's: another's session answers 403, not 429.
        return claim(sessionId, user, true).invoke(() -> limits.takeMessage(sessionId, user.id()));
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
     * A new inbound event for {@code content}, not yet published, in a trace begun by this gateway's
     * span: a child of {@code sent} (what the request carried, or {@link TraceContext#NONE}).
     */
    public InboundMessage message(String sessionId, UserRef user, String channel, Content content, TraceContext sent) {
        return message(sessionId, user, channel, content, sent, null);
    }

    /**
     * As {@link #message(String, UserRef, String, Content, TraceContext)}, but when the client names the
     * message with {@code idempotencyKey} its id is derived from the user, the session and that key: a
     * client that sends again because it never heard whether the first send was accepted (a dropped
     * connection, a timeout) publishes the same id, and session-service runs one turn for both.
     * A key is 1 to 128 printable ASCII characters, or a 400.
     */
    public InboundMessage message(String sessionId, UserRef user, String channel, Content content, TraceContext sent,
                                  String idempotencyKey) {
        TraceContext trace = traces.accept(channel, sent);
        EventMeta meta = idempotencyKey == null ? EventMeta.next(sessionId, trace)
                : EventMeta.derived(sessionId, trace, "inbound/" + user.id() + "/" + sessionId + "/" + usableKey(idempotencyKey));
        return content.action() == null ? InboundMessage.of(meta, user, channel, content.text(), null)
                : InboundMessage.pressed(meta, user, channel, content.action(), null);
    }

    private static String usableKey(String key) {
        if (key.isEmpty() || key.length() > 128 || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw new Rejection(400, "an Idempotency-Key is 1 to 128 printable ASCII characters without spaces,"
                    + " one per message (a UUID, say), the same when the message is sent again");
        }
        return key;
    }

    /** Publishes {@code message}; completes when Kafka has it, or fails with a 503 {@link Rejection} saying why not. */
    public Uni<Void> publish(InboundMessage message) {
        return Uni.createFrom().completionStage(() -> {
                    firstReplies.accepted(message.eventId());
                    return publisher.publish(Topics.INBOUND, message);
                })
                .onFailure(e -> !(e instanceof Rejection)).transform(e -> {
                    firstReplies.refused(message.eventId());
                    try (LogContext ids = LogContext.of(message.sessionId(), message.eventId(), message.trace())) {
                        LOG.warnf("message %s of session %s was not accepted: Kafka did not take it (%s)", message.eventId(),
                                message.sessionId(), e.toString());
                    }
                    return new Rejection(503, "the message was not accepted: the event log cannot take it right now ("
                            + e.getClass().getSimpleName() + "); send it again shortly");
                });
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

    /**
     * Asks session-service to close {@code sessionId} (run the app's {@code exit()}), once the session
     * is the user's (404 for a session nobody owns, 403 for another user's); completes when Kafka has the
     * request. It follows the messages accepted before it on the session's partition, so they are
     * handled before {@code exit()}; closing a closed session again changes nothing.
     */
    public Uni<Void> close(String sessionId, UserRef user) {
        return requireOwner(sessionId, user).chain(ignored -> Uni.createFrom().completionStage(() -> publisher.publish(Topics.INBOUND,
                InboundClose.of(EventMeta.next(sessionId, TraceContext.NONE), user))));
    }

    /** Bytes of a text frame or body, as the limit counts them. */
    public static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    /** What a user's message says: typed {@code text}, or the {@code action} of a pressed button (then text is null). */
    public record Content(String text, InboundMessage.Action action) {
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
