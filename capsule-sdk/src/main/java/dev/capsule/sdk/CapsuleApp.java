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
     * Runs a job that came due for {@code session}: one the app scheduled with
     * {@link Session#schedule}, or a run of a {@link Recurring} job for the session's owner. It runs
     * on the session's lane like a message, and answers as a turn does: replies are kept in the
     * history and reach the user on the session's channel. An exception is logged and the session
     * goes on; the job is not run again. An app that schedules nothing need not implement it.
     */
    default void onScheduled(Session session, ScheduledJob job) {
        throw new UnsupportedOperationException("job '" + job.name() + "' came due, but the app does not implement "
                + "onScheduled(Session, ScheduledJob)");
    }

    /**
     * Runs when the user has connected an integration through the prompt {@link Integrations#require} showed in this
     * session, on the session's lane like a message, in order with them: what it sends reaches the user and is kept in
     * the history. Carry on with what needed the connection here. The default does nothing.
     */
    default void onConnected(Session session, Connection connection) {
    }

    /**
     * Runs once when a session is closed ({@link Session#close()}, the user's close, or its idle timeout), after
     * every message accepted before the close has been handled, with the session's data, history
     * and collections at hand. A session is idle when nothing was said in it, either way, for
     * {@code capsule.session.idle-timeout} (30 minutes unless the app sets it). It may reply: what it
     * answers goes out, as in a turn. An exception
     * is logged; the session is closed all the same.
     */
    default void exit(Session session) {
    }
}
