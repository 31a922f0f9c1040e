package dev.capsule.bench.load;

/**
 * What a Capsule step sends, and how: the bench mix of the demo app's three kinds over the API with
 * server-sent events and the chat socket, the plain request-and-response job that bot SDKs are
 * measured by (one message, one reply and a counter in the session's data, over the JSON API), or
 * many long streams at once, as a model's answers are.
 */
public enum Mix {
    /** 70% plain text, 20% {@code /stream}, 10% {@code /notify}; half the sessions on SSE, half on the socket. */
    MIXED("mix", "70% plain, 20% /stream (the demo app's 23 words, 15 ms apart, coalesced into chunks at most 50 ms apart),"
            + " 10% /notify; half the sessions on POST …/messages with server-sent events, half on /ws/chat (20 sessions per socket, more where a step would need over 40 sockets)"),
    /** Plain text only, each answered as one JSON response to {@code POST …/messages}. */
    PLAIN("plain", "100% plain text, each a POST …/messages answered with the turn's events as one JSON response"),
    /**
     * The shape of a model's answer: C concurrent conversations, each sending one {@code /stream 300 30}
     * (300 words at 30 a second, 10 s) on the chat socket; the step's "rate" is C.
     */
    STREAMS("streams", "C concurrent streams per step: C sessions each send one /stream "
            + MessageKind.LONG_STREAM_WORDS + " " + MessageKind.LONG_STREAM_PER_SECOND + " ("
            + MessageKind.LONG_STREAM_WORDS + " words at " + MessageKind.LONG_STREAM_PER_SECOND
            + " a second, about 10 s, coalesced into chunks at most 50 ms apart), the C sends spread over 1 s,"
            + " all on /ws/chat (20 sessions per socket, more where a step would need over 40 sockets); a step holds when every stream arrives whole"
            + " and the gap between updates is at p99 ≤ the ceiling");

    private final String id;
    private final String description;

    Mix(String id, String description) {
        this.id = id;
        this.description = description;
    }

    public String id() {
        return id;
    }

    public String description() {
        return description;
    }

    /** The kind of message for a draw of 0..99. */
    MessageKind kindOf(int percentile) {
        if (this == STREAMS) {
            return MessageKind.LONG_STREAM;
        }
        if (this == PLAIN || percentile < 70) {
            return MessageKind.PLAIN;
        }
        return percentile < 90 ? MessageKind.STREAM : MessageKind.NOTIFY;
    }

    /** The mix named {@code id} ({@code mix}, {@code plain} or {@code streams}), or an error that lists them. */
    public static Mix named(String id) {
        for (Mix m : values()) {
            if (m.id.equals(id)) {
                return m;
            }
        }
        throw new IllegalArgumentException("--workload is mix, plain or streams, not '" + id + "'");
    }
}
