package dev.capsule.testkit;

import dev.capsule.sdk.Message;
import java.util.List;

/**
 * A turn the kit ran failed: a hook threw, a reactive hook's {@code Uni} failed or did not
 * complete in time, a publisher given to {@code streamReplyFrom} failed or did not complete, or a
 * stream was left open. The runtime would send the user an error event instead of failing; a
 * test wants to hear of it, so the kit throws this, with what failed as its cause.
 *
 * <p>As in the runtime, what was said stays in the history and the turn's changes to the
 * session data are discarded:
 *
 * <pre>{@code
 * TurnFailedException e = assertThrows(TurnFailedException.class, () -> session.send(app, "/throw"));
 * assertInstanceOf(IllegalStateException.class, e.getCause());
 * assertEquals(0, session.data().getInt("turns", 0));
 * }</pre>
 */
public final class TurnFailedException extends RuntimeException {

    private final transient List<TurnEvent> events;

    TurnFailedException(Message message, Throwable cause, List<TurnEvent> events) {
        super("the turn of message " + message.id() + " (\"" + message.text() + "\") failed: " + cause
                + "; the runtime would answer the user with an error, keep what was said and discard the turn's"
                + " changes to the session data, and so did the kit", cause);
        this.events = List.copyOf(events);
    }

    /** What the turn said before it failed, in order. */
    public List<TurnEvent> events() {
        return events;
    }
}
