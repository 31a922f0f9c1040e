package dev.capsule.testkit;

import dev.capsule.sdk.HistoryEntry;
import dev.capsule.sdk.blocks.Block;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Everything a session's handler said, in the order it said it, and the rule of when it may
 * speak. One lock guards it all, because a handler may answer from threads of its own and the
 * order between them is exactly what a test checks.
 *
 * <p>Before the kit has delivered any message the session answers freely, so that it can be
 * handed to code under test directly. Once the kit runs turns, answering is the running turn's
 * privilege, as in the runtime: after a turn, only {@code sendTo} still works.
 */
final class Transcript {

    private enum Phase { NO_TURN_YET, RUNNING, OVER }

    private final String sessionId;
    private final TestHistory history;
    private final List<TurnEvent> events = new ArrayList<>();
    private final List<TestReplyStream> streams = new ArrayList<>();
    private Phase phase = Phase.NO_TURN_YET;
    private String messageId;
    private Throwable failure;
    private int appMessages;

    Transcript(String sessionId, TestHistory history) {
        this.sessionId = sessionId;
        this.history = history;
    }

    synchronized void reply(String text) {
        requireText(text, "reply");
        requireAnswering();
        events.add(new TurnEvent.Reply(text));
        remember(text);
    }

    synchronized void notify(String text) {
        requireText(text, "notify");
        requireAnswering();
        events.add(new TurnEvent.Notify(text));
    }

    synchronized void show(Block block) {
        if (block == null) {
            throw new IllegalArgumentException("show needs a block, not null");
        }
        requireAnswering();
        events.add(new TurnEvent.Show(block));
        remember(block.fallbackText());
    }

    /** Allowed after the turn too: that is how a background task the turn started writes later. */
    synchronized void sendTo(String target, String text) {
        requireText(text, "sendTo");
        if (target == null || target.isBlank()) {
            throw new IllegalArgumentException("sendTo needs the id of the conversation to send to, as session.id() gave it there");
        }
        events.add(new TurnEvent.SendTo(target, text));
    }

    synchronized TestReplyStream openStream() {
        requireAnswering();
        TestReplyStream stream = new TestReplyStream(this, streams.size());
        streams.add(stream);
        return stream;
    }

    synchronized void write(TestReplyStream stream, String chunk) {
        if (stream.ended) {
            throw new IllegalStateException("this stream has ended: open a new one with session.streamReply()");
        }
        requireText(chunk, "a stream chunk");
        requireAnswering();
        stream.chunks.add(chunk);
        events.add(new TurnEvent.Chunk(stream.index, chunk));
    }

    synchronized void end(TestReplyStream stream) {
        if (stream.ended) {
            return;
        }
        stream.ended = true;
        stream.done.complete(null);
        if (phase == Phase.OVER) {
            return; // the runtime sends nothing for a stream its turn left open
        }
        events.add(new TurnEvent.StreamEnd(stream.index));
        remember(String.join("", stream.chunks));
    }

    /**
     * Fails the running turn once the handler is done, as a failing stream source does in the
     * runtime; the handler itself sees nothing. Without a turn there is nothing to fail, so the
     * caller hears of it at once.
     */
    synchronized void fail(Throwable cause) {
        if (phase != Phase.RUNNING) {
            throw new IllegalStateException(cause.getMessage(), cause);
        }
        if (failure == null) {
            failure = cause;
        }
    }

    /** Checks that {@code session.close()} comes while the session may still answer: after its turn, nothing would act on it. */
    synchronized void requireOpenTurn() {
        requireAnswering();
    }

    /** Whether the running turn has failed from the side (a stream source), so that it will not close. */
    synchronized boolean failedFromTheSide() {
        return failure != null;
    }

    /** Marks where {@code exit()} begins. */
    synchronized void closing() {
        events.add(new TurnEvent.Closed());
    }

    /** Starts a turn; returns where its events begin. */
    synchronized int beginTurn(String message) {
        if (phase == Phase.RUNNING) {
            throw new IllegalStateException("session " + sessionId + " is still handling message " + messageId
                    + ": the runtime hands a session one message at a time");
        }
        phase = Phase.RUNNING;
        messageId = message;
        failure = null;
        return events.size();
    }

    /** Done when every stream opened so far has ended. */
    synchronized CompletableFuture<Void> streamsEnded() {
        return CompletableFuture.allOf(streams.stream().map(s -> s.done).toArray(CompletableFuture[]::new));
    }

    /** Ends the running turn; returns what failed it from the side (a stream source), or null. */
    synchronized Throwable endTurn() {
        phase = Phase.OVER;
        history.endTurn();
        return failure;
    }

    synchronized List<TurnEvent> events() {
        return List.copyOf(events);
    }

    synchronized List<TurnEvent> eventsSince(int mark) {
        return List.copyOf(events.subList(mark, events.size()));
    }

    synchronized List<RecordedStream> streams() {
        return streams.stream().map(s -> new RecordedStream(s.chunks, s.ended)).toList();
    }

    private void requireAnswering() {
        if (phase == Phase.OVER) {
            throw new IllegalStateException("session " + sessionId + ": the turn of message " + messageId
                    + " has ended, so it cannot answer any more; to write into the conversation later (from a"
                    + " background task), use session.sendTo(session.id(), text)");
        }
    }

    private void remember(String text) {
        history.add(new HistoryEntry(sessionId + "/out/" + ++appMessages, HistoryEntry.Role.APP, text, Instant.now()));
    }

    private static void requireText(String text, String what) {
        if (text == null) {
            throw new IllegalArgumentException(what + " needs a text, not null");
        }
    }
}
