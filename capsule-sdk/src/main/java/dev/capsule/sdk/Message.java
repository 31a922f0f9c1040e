package dev.capsule.sdk;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A user's message as the handler receives it: either words the user typed, or a button they
 * pressed.
 *
 * <h2>Typed text or a press</h2>
 *
 * When the app {@linkplain Session#show shows} a task card or a choice list, each of its buttons
 * carries a value. A user who presses one does not type that value: the press reaches the handler
 * as a message whose {@link #action()} holds the button's value and label, so that a handler can
 * tell "the user pressed <em>Mark done</em>" from "the user typed the word done". For typed text,
 * {@link #action()} is empty.
 *
 * <p>Either way {@link #text()} is what the conversation shows: the words typed, or the label of the
 * pressed button. That is also what the session's history keeps and what a log line should print,
 * so that a transcript reads as the user saw it. Decide on the value, never on the label: labels are
 * for people, and an app may word them differently tomorrow.
 *
 * <pre>{@code
 * public void onMessage(Session session, Message message) {
 *     if (message.action().isPresent()) {
 *         switch (message.action().get().value()) {
 *             case "done" -> session.reply("Marked done.");
 *             case "snooze" -> session.reply("Snoozed until tomorrow.");
 *             default -> session.reply("That button is from an older card; try again from a new one.");
 *         }
 *         return;
 *     }
 *     session.reply("You wrote: " + message.text());
 * }
 * }</pre>
 *
 * <p>A unit test of a handler makes either kind itself: {@code new Message(id, "hello", now)} for typed
 * text, {@code Message.pressed(id, new Action("done", "Mark done"), now)} for a press.
 *
 * @param id        unique id of the message (stable across redeliveries)
 * @param text      what the user wrote; for a press, the pressed button's label
 * @param timestamp when the channel accepted it
 * @param action    the pressed button, or empty for typed text
 */
public record Message(String id, String text, Instant timestamp, Optional<Action> action) {

    public Message {
        action = action == null ? Optional.empty() : action;
    }

    /** A message the user typed. */
    public Message(String id, String text, Instant timestamp) {
        this(id, text, timestamp, Optional.empty());
    }

    /** A press of a button: its text is the button's label, as the conversation shows it. */
    public static Message pressed(String id, Action action, Instant timestamp) {
        Objects.requireNonNull(action, "a press needs the action that was pressed");
        return new Message(id, action.label(), timestamp, Optional.of(action));
    }
}
