package dev.capsule.testkit;

import java.util.List;

/**
 * A streamed reply as a {@link TestSession} saw it: the pieces written, in order, and whether
 * it was ended. A stream that is never ended hangs a real turn until it times out, so
 * {@link #ended()} is worth asserting as much as {@link #text()}.
 *
 * <pre>{@code
 * session.send(app, "/stream");
 * RecordedStream answer = session.streams().get(0);
 * assertEquals("Streaming is how…", answer.text());
 * assertTrue(answer.ended());
 * }</pre>
 *
 * @param chunks the pieces written, in order
 * @param ended  whether the stream was ended
 */
public record RecordedStream(List<String> chunks, boolean ended) {

    public RecordedStream {
        chunks = List.copyOf(chunks);
    }

    /** The whole text, as the history keeps it once the stream ends. */
    public String text() {
        return String.join("", chunks);
    }
}
