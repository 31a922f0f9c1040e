package dev.capsule.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;

/**
 * A user's message, from any channel, on its way to the session's handler: words the user typed,
 * or a button they pressed ({@link #action} set).
 *
 * <p>A press carries the button's value in {@code text} too, as it did before {@code action} existed
 * (schema 1.5): a reader that predates {@code action} ignores it and sees what it always saw. A reader
 * that knows it shows a press as its label ({@link #shownText()}).
 *
 * @param user    who wrote it, as the channel authenticated them
 * @param channel where it came from: {@code web}, {@code api}, or a named channel resource
 * @param text    what they wrote; for a press, the button's value
 * @param route   where the replies go, opaque to everyone but the channel that set it: channel-adapters
 *                puts the provider's target there (chat, thread); the gateway leaves it null, because every
 *                gateway replica reads every outbound partition. session-service copies it onto the turn's events.
 * @param action  the button pressed, or null for typed text (and in events older than 1.5)
 */
@JsonTypeName("inbound.message")
public record InboundMessage(String eventId, String schemaVersion, String sessionId, Instant timestamp,
                             TraceContext trace, UserRef user, String channel, String text, String route, Action action)
        implements CapsuleEvent {

    public InboundMessage {
        EventFields.check(eventId, schemaVersion, sessionId, timestamp);
        if (user == null) {
            throw new IllegalArgumentException("user is required");
        }
        EventFields.require(channel, "channel");
        if (text == null) {
            throw new IllegalArgumentException("text is required");
        }
    }

    /** Typed text. */
    public static InboundMessage of(EventMeta m, UserRef user, String channel, String text, String route) {
        return new InboundMessage(m.eventId(), m.schemaVersion(), m.sessionId(), m.timestamp(), m.trace(),
                user, channel, text, route, null);
    }

    /** A press of a button; {@code text} is its value (see the class comment). */
    public static InboundMessage pressed(EventMeta m, UserRef user, String channel, Action action, String route) {
        return new InboundMessage(m.eventId(), m.schemaVersion(), m.sessionId(), m.timestamp(), m.trace(),
                user, channel, action.value(), route, action);
    }

    /** This message, in the trace {@code trace} (the span of the service that accepted it). */
    public InboundMessage withTrace(TraceContext trace) {
        return new InboundMessage(eventId, schemaVersion, sessionId, timestamp, trace, user, channel, text, route, action);
    }

    /** What the conversation shows for this message, and its history keeps: the text typed, or the label of the button pressed. */
    @JsonIgnore
    public String shownText() {
        return action == null ? text : action.label();
    }

    /**
     * A button press: the {@code value} the app gave the button (a task card's action, a choice list's
     * choice) and the {@code label} the user saw on it.
     *
     * @param value what the app acts on; required
     * @param label what the user saw; the value when the channel did not say
     */
    public record Action(String value, String label) {

        public Action {
            EventFields.require(value, "action.value");
            if (label == null || label.isBlank()) {
                label = value;
            }
        }
    }
}
