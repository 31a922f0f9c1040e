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
}
