package dev.capsule.sdk;

/**
 * A streamed reply the handler writes piece by piece. Not thread-safe: write from one thread.
 */
public interface ReplyStream extends AutoCloseable {

    /** Sends the next chunk to the user. */
    void write(String chunk);

    /** Ends the stream; the history keeps its whole text as one message. Ending twice is harmless. */
    void end();

    /** Same as {@link #end()}, so that a stream can live in a try-with-resources block. */
    @Override
    default void close() {
        end();
    }
}
