package dev.capsule.testkit;

import dev.capsule.sdk.ReplyStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link ReplyStream} a handler writes during a test. Its state is guarded by its
 * {@link Transcript}, which records each write and the end in the order they happen among the
 * turn's other answers.
 */
final class TestReplyStream implements ReplyStream {

    final int index;
    final List<String> chunks = new ArrayList<>();
    final CompletableFuture<Void> done = new CompletableFuture<>();
    boolean ended;
    private final Transcript transcript;

    TestReplyStream(Transcript transcript, int index) {
        this.transcript = transcript;
        this.index = index;
    }

    @Override
    public void write(String chunk) {
        transcript.write(this, chunk);
    }

    @Override
    public void end() {
        transcript.end(this);
    }
}
