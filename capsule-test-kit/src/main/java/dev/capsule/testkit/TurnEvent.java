package dev.capsule.testkit;

import dev.capsule.sdk.blocks.Block;

/**
 * One thing a handler did to answer, as a {@link TestSession} recorded it. A test asserts on a
 * list of them to check not only what was said but in which order, which is what the user sees:
 *
 * <pre>{@code
 * assertEquals(List.of(new TurnEvent.Notify("Looking that up…"), new TurnEvent.Reply("#1: done looking")),
 *         session.send(app, "/notify"));
 * }</pre>
 *
 * Records compare by value, so expected events can be written out in full.
 */
public sealed interface TurnEvent {

    /**
     * A complete reply ({@code session.reply}).
     *
     * @param text what was replied
     */
    record Reply(String text) implements TurnEvent {
    }

    /**
     * A status ({@code session.notify}); shown to the user, not kept in the history.
     *
     * @param text the status
     */
    record Notify(String text) implements TurnEvent {
    }

    /**
     * One piece written to a streamed reply. The runtime may merge pieces written close together
     * into one chunk on the wire; the kit keeps each write, which is what the handler controls.
     *
     * @param stream the stream's place in {@link TestSession#streams()}, 0 for the session's first
     * @param text   the piece
     */
    record Chunk(int stream, String text) implements TurnEvent {
    }

    /**
     * A streamed reply ended: by {@code ReplyStream.end()}, or because the publisher given to
     * {@code streamReplyFrom} completed or failed.
     *
     * @param stream the stream's place in {@link TestSession#streams()}
     */
    record StreamEnd(int stream) implements TurnEvent {
    }

    /**
     * A block shown ({@code session.show}).
     *
     * @param block the block as the handler built it
     */
    record Show(Block block) implements TurnEvent {
    }

    /**
     * A proactive message ({@code session.sendTo}). The kit records it and delivers it nowhere:
     * assert that it was sent; test the receiving conversation with a session of its own.
     *
     * @param sessionId the conversation it was sent to
     * @param text      the message
     */
    record SendTo(String sessionId, String text) implements TurnEvent {
    }

    /**
     * The session closed ({@code session.close()}, or {@link TestSession#closeByUser}): {@code exit()}
     * ran here, and the events after this one, in the same turn, are what it answered.
     */
    record Closed() implements TurnEvent {
    }
}
