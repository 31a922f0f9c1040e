package dev.capsule.sdk;

/**
 * A conversational application, written in blocking style. Capsule calls it with each user
 * message of a session, one message of a session at a time and in order; each call runs on
 * its own virtual thread, so blocking calls (an HTTP client, a model SDK) are fine.
 *
 * <p>Make the implementation a CDI bean ({@code @ApplicationScoped}); the session service
 * finds it. Prefer {@link ReactiveCapsuleApp} when the handler is naturally a {@code Uni}.
 *
 * <p>The runtime saves {@link Session#data()} and the history after each turn: never save by hand.
 */
public interface CapsuleApp {

    /**
     * Runs once when a session is created, before its first message, and again before the first
     * message after a close (a new life of the session, with empty data and the history kept).
     */
    default void enter(Session session) {
    }

    /** Handles one user message. An exception becomes an error event for the user; the session goes on. */
    void onMessage(Session session, Message message);

    /**
     * Runs once when a session is closed ({@link Session#close()}, or the user's close), after
     * every message accepted before the close has been handled, with the session's data, history
     * and collections at hand. It may reply: what it answers goes out, as in a turn. An exception
     * is logged; the session is closed all the same.
     */
    default void exit(Session session) {
    }
}
