package dev.capsule.bench.load;

/** What a benchmark message asks the demo app for, and so which events its turn must bring back. */
public enum MessageKind {
    /** Plain text: answered {@code #N: text}, one reply. */
    PLAIN,
    /** {@code /stream}: a streamed answer, chunk by chunk, then its end. */
    STREAM,
    /** {@code /notify}: a status, then a reply. */
    NOTIFY;

    /** The text the message carries; a plain one names its session and position, so its echo proves which turn answered. */
    public String text(int session, int position) {
        return switch (this) {
            case PLAIN -> "hello " + session + "." + position;
            case STREAM -> "/stream";
            case NOTIFY -> "/notify";
        };
    }
}
