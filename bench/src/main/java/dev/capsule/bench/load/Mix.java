package dev.capsule.bench.load;

/**
 * What a Capsule step sends, and how: the bench mix of the demo app's three kinds over the API with
 * server-sent events and the chat socket, or the plain request-and-response job that bot SDKs are
 * measured by (one message, one reply and a counter in the session's data, over the JSON API).
 */
public enum Mix {
    /** 70% plain text, 20% {@code /stream}, 10% {@code /notify}; half the sessions on SSE, half on the socket. */
    MIXED("mix", "70% plain, 20% /stream (the demo app's 23 words, 15 ms apart, coalesced into chunks at most 50 ms apart),"
            + " 10% /notify; half the sessions on POST …/messages with server-sent events, half on /ws/chat (20 sessions per socket)"),
    /** Plain text only, each answered as one JSON response to {@code POST …/messages}. */
    PLAIN("plain", "100% plain text, each a POST …/messages answered with the turn's events as one JSON response");

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
        if (this == PLAIN || percentile < 70) {
            return MessageKind.PLAIN;
        }
        return percentile < 90 ? MessageKind.STREAM : MessageKind.NOTIFY;
    }

    /** The mix named {@code id} ({@code mix} or {@code plain}), or an error that lists them. */
    public static Mix named(String id) {
        for (Mix m : values()) {
            if (m.id.equals(id)) {
                return m;
            }
        }
        throw new IllegalArgumentException("--workload is mix or plain, not '" + id + "'");
    }
}
