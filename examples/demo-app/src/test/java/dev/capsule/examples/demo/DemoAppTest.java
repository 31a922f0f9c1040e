package dev.capsule.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.sdk.Action;
import dev.capsule.sdk.Channel;
import dev.capsule.sdk.History;
import dev.capsule.sdk.Message;
import dev.capsule.sdk.ReplyStream;
import dev.capsule.sdk.Session;
import dev.capsule.sdk.SessionData;
import dev.capsule.sdk.User;
import dev.capsule.sdk.blocks.Block;
import dev.capsule.sdk.db.Db;
import io.smallrye.mutiny.Multi;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

class DemoAppTest {

    private final DemoApp app = new DemoApp();
    private final RecordingSession session = new RecordingSession();

    @Test
    void streamWithWordsAndPaceStreamsThatManyGeneratedWords() {
        app.onMessage(session, message("/stream 5 1000"));
        assertEquals(List.of(), session.replies);
        assertEquals(1, session.streams.size());
        assertEquals("token1 token2 token3 token4 token5", whole(session.streams.getFirst()));
    }

    @Test
    void theWordsComeAtThePaceAsked() {
        app.onMessage(session, message("/stream 5 20"));
        long start = System.nanoTime();
        String text = whole(session.streams.getFirst());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals("token1 token2 token3 token4 token5", text);
        // Five words 50 ms apart: at least four gaps, whatever the first tick's delay.
        assertTrue(millis >= 190, "took " + millis + " ms");
    }

    @Test
    void plainStreamStillStreamsTheShortAnswer() {
        app.onMessage(session, message("/stream"));
        assertEquals(List.of(), session.replies);
        assertEquals("Streaming is how a model's answer reaches you as it is written, one token at a time,"
                + " until the whole answer is there.", whole(session.streams.getFirst()));
    }

    @Test
    void anythingMalformedIsAnsweredWithTheUsage() {
        List<String> malformed = List.of("/stream 0 30", "/stream 10001 30", "/stream 300 0", "/stream 300 1001",
                "/stream 300", "/stream 300 30 2", "/stream a b", "/stream -1 30", "/stream 300 3.5",
                "/stream 99999999999 30");
        for (String text : malformed) {
            RecordingSession s = new RecordingSession();
            app.onMessage(s, message(text));
            assertEquals(List.of(DemoApp.STREAM_USAGE), s.replies, text);
            assertEquals(0, s.streams.size(), text);
        }
    }

    @Test
    void theLimitsThemselvesAreAccepted() {
        app.onMessage(session, message("/stream 10000 1000"));
        app.onMessage(session, message("/stream 1 1"));
        assertEquals(List.of(), session.replies);
        assertEquals(2, session.streams.size());
        assertEquals("token1", whole(session.streams.get(1)));
    }

    @Test
    void theTaskCardsButtonsAreAnsweredAsActionsWhileTypingTheirValueIsJustText() {
        app.onMessage(session, Message.pressed("m1", new Action("done", "Mark done"), Instant.now()));
        app.onMessage(session, Message.pressed("m2", new Action("snooze", "Snooze"), Instant.now()));
        app.onMessage(session, Message.pressed("m3", new Action("archive", "Archive"), Instant.now()));
        app.onMessage(session, message("done"));
        assertEquals(List.of("Marked done.", "Snoozed.", "\"Archive\" is not a button I know; try /card for a new card.", "#4: done"),
                session.replies);
    }

    private static Message message(String text) {
        return new Message("m1", text, Instant.now());
    }

    private static String whole(Flow.Publisher<String> chunks) {
        return String.join("", Multi.createFrom().publisher(chunks).collect().asList().await().atMost(Duration.ofSeconds(10)));
    }

    /** Just enough of a session for the commands under test: what they answer is recorded. */
    private static final class RecordingSession implements Session {

        final List<String> replies = new ArrayList<>();
        final List<Flow.Publisher<String>> streams = new ArrayList<>();
        private final SessionData data = SessionData.empty();

        @Override
        public String id() {
            return "s1";
        }

        @Override
        public User user() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Channel channel() {
            throw new UnsupportedOperationException();
        }

        @Override
        public History history() {
            throw new UnsupportedOperationException();
        }

        @Override
        public SessionData data() {
            return data;
        }

        @Override
        public Db db() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void reply(String text) {
            replies.add(text);
        }

        @Override
        public void notify(String text) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ReplyStream streamReply() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void streamReplyFrom(Flow.Publisher<String> chunks) {
            streams.add(chunks);
        }

        @Override
        public void show(Block block) {
            throw new UnsupportedOperationException();
        }
    }
}
