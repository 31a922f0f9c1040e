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
 * returned and every stream it opened has ended.
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
}
