package dev.capsule.bench.load;

/** What a benchmark message asks the demo app for, and so which events its turn must bring back. */
public enum MessageKind {
    /** Plain text: answered {@code #N: text}, one reply. */
    PLAIN,
    /** {@code /stream}: a streamed answer, chunk by chunk, then its end. */
    STREAM,
    /** {@code /notify}: a status, then a reply. */
    NOTIFY,
    /**
     * {@code /stream 300 30}: the shape of a model's long answer, {@link #LONG_STREAM_WORDS} words at
     * {@link #LONG_STREAM_PER_SECOND} a second (10 s), chunk by chunk, then its end.
     */
    LONG_STREAM;

    /** Words of a long stream. */
    public static final int LONG_STREAM_WORDS = 300;
    /** Words per second of a long stream: a model's pace. */
    public static final int LONG_STREAM_PER_SECOND = 30;

    /** The text the message carries; a plain one names its session and position, so its echo proves which turn answered. */
    public String text(int session, int position) {
        return switch (this) {
            case PLAIN -> "hello " + session + "." + position;
            case STREAM -> "/stream";
            case NOTIFY -> "/notify";
            case LONG_STREAM -> "/stream " + LONG_STREAM_WORDS + " " + LONG_STREAM_PER_SECOND;
        };
    }

    /** Answered with a stream (its chunks, then its end), not a reply. */
    public boolean streamed() {
        return this == STREAM || this == LONG_STREAM;
    }

    /** Words the whole streamed answer must hold, or 0 when any number will do (the short stream's sentence). */
    public int expectedWords() {
        return this == LONG_STREAM ? LONG_STREAM_WORDS : 0;
    }
}
