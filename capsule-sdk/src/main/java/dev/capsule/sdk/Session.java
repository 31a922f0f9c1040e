package dev.capsule.sdk;

import dev.capsule.sdk.blocks.Block;
import dev.capsule.sdk.db.Db;
import java.util.concurrent.Flow;

/**
 * One conversation of one user, as the handler sees it during a turn: who the user is,
 * what was said, the per-session state, and the ways to answer.
 *
 * <p>Capsule creates or resumes the session for each message; the handler never builds one.
 * Replies leave in the order the handler makes them. The turn ends when the handler has
 * returned and every stream it opened has ended. After that, {@code reply}, {@code notify},
 * {@code show} and streams throw {@link IllegalStateException}: a background task the turn
 * started writes into the conversation later with {@link #sendTo sendTo(id(), text)}.
 */
public interface Session {

    /** Stable id of the conversation. */
    String id();

    /** The authenticated user. */
    User user();

    /** Where the conversation lives. */
    Channel channel();

    /** The conversation's messages, newest last. */
    History history();

    /** Small per-session state, saved by the runtime after each turn. */
    SessionData data();

    /** The user's durable collections, scoped to {@code user().ownerId()}. */
    Db db();

    /**
     * The user's connected integrations (GitHub, Google, ...): their access tokens, and the prompt to connect one.
     */
    default Integrations integrations() {
        throw new UnsupportedOperationException("This session has no integrations; "
                + "call integrations() on the Session a Capsule runtime (or the test kit's TestSession) hands to your handler.");
    }

    /** Sends a complete reply message; it is kept in the history. */
    void reply(String text);

    /** Sends a lightweight status ("searching the docs…"); shown, not kept in the history. */
    void notify(String text);

    /**
     * Opens a streamed reply that the handler writes piece by piece. The first
     * {@link ReplyStream#write} opens the stream on the user's side; {@link ReplyStream#end()}
     * closes it, and the history keeps the whole text as one message.
     */
    ReplyStream streamReply();

    /**
     * Streams a reply from an asynchronous source, such as a model's token stream. A Mutiny
     * {@code Multi<String>} is a {@code Flow.Publisher<String>} and can be passed as it is.
     * The stream ends when the source completes; a failing source ends the stream and fails the turn.
     */
    void streamReplyFrom(Flow.Publisher<String> chunks);

    /** Shows a structured block (a task card, a choice list) that the channel renders as it can. */
    void show(Block block);

    /**
     * Sends {@code text} into a conversation of this session's user outside that conversation's
     * turns (proactive messaging): into this same conversation later, from a background task
     * this turn started ({@code sendTo(session.id(), …)}), or into another conversation of the
     * same user, whose {@link #id()} the app kept when it met the user there, for example on
     * {@code Channel.named("support-telegram")}. The message reaches that conversation after
     * its running turn, if any; a named channel delivers it as a new message through its
     * provider (so the provider's own rules apply: a Telegram user must have started the bot,
     * WhatsApp allows free-form messages within 24 hours of the user's last one), web chat
     * shows it on an open page. It is kept in that conversation's history.
     *
     * <p>Owner scoping holds: a conversation that belongs to another user, or that Capsule has
     * never seen, does not get the message (it is dropped and logged). Sent during a turn, it
     * is in Kafka before the turn ends, and a turn run again after a crash sends it once. Sent
     * after the turn has ended (from a background task), the call returns once Kafka has the
     * message, and throws {@link IllegalStateException} if Kafka did not take it within 10
     * seconds: it may then arrive or not, and the app decides whether to send it again.
     *
     * @param sessionId the conversation to send to
     * @param text      the message
     */
    default void sendTo(String sessionId, String text) {
        throw new UnsupportedOperationException("This session cannot send to other conversations; "
                + "call sendTo on the Session a Capsule runtime hands to your handler.");
    }

    /**
     * Closes this conversation once the current turn is over: the turn's replies still go out, then
     * the app's {@link CapsuleApp#exit exit()} runs, once, with this session's data, history and
     * collections at hand, and what {@code exit()} answers goes out too. Calling it again in the same
     * turn changes nothing. A turn that fails does not close (its data changes are dropped too).
     *
     * <p>The user's next message in this conversation starts a new life of it: {@code enter()} runs
     * again, {@link #data()} starts empty, the history goes on, and the session still belongs to
     * the same user. The user closes a conversation too, with {@code DELETE /api/sessions/{id}} or
     * the chat socket's {@code close} frame.
     */
    default void close() {
        throw new UnsupportedOperationException("This session cannot be closed; "
                + "call close on the Session a Capsule runtime (or the test kit's TestSession) hands to your handler.");
    }

    /**
     * Schedules a job for this session, {@code delay} from now: when it is due, the runtime calls
     * the app's {@link CapsuleApp#onScheduled onScheduled(session, job)} on this session, in order
     * with its messages (a turn that runs then finishes first), with {@link Capsule#currentSession()}
     * set. What that sends reaches the user on the session's channel and is kept in its history.
     *
     * <p>The job is kept in PostgreSQL once the turn succeeds: a restart, a crash or the loss of
     * Redis does not lose it, and it runs once across the cluster, within about a second of its time
     * on an idle stack. A turn that fails schedules nothing (as its data changes are dropped), and a
     * turn run again after a crash schedules it once. A session closed meanwhile still runs it
     * (without opening again); a session that belongs to another user by then does not.
     *
     * @param name    what the job is, for {@link ScheduledJob#name()}: 1 to 100 characters
     * @param delay   how long from now; zero or more
     * @param payload what the job needs when it runs (a JSON object of at most 64 KiB), or null
     * @throws IllegalArgumentException for a blank or long name, a negative delay or a large payload
     * @throws IllegalStateException    after the turn has ended
     */
    default void schedule(String name, java.time.Duration delay, com.fasterxml.jackson.databind.node.ObjectNode payload) {
        if (delay == null || delay.isNegative()) {
            throw new IllegalArgumentException("schedule needs a delay of zero or more, not " + delay);
        }
        scheduleAt(name, java.time.Instant.now().plus(delay), payload);
    }

    /**
     * Schedules a job for this session at {@code at}; a time past runs it at once. Otherwise as
     * {@link #schedule(String, java.time.Duration, com.fasterxml.jackson.databind.node.ObjectNode)}.
     */
    default void scheduleAt(String name, java.time.Instant at, com.fasterxml.jackson.databind.node.ObjectNode payload) {
        throw new UnsupportedOperationException("This session cannot schedule jobs; "
                + "call scheduleAt on the Session a Capsule runtime (or the test kit's TestSession) hands to your handler.");
    }
}
