package dev.capsule.events;

/**
 * The Kafka topics of Capsule. Every record on them is keyed by session id, so that one
 * session's events stay in one partition and in order.
 */
public final class Topics {

    /** User messages from every channel, on their way to session-service. */
    public static final String INBOUND = "capsule.inbound";

    /**
     * Replies, notifies, stream chunks, blocks and turn markers of web and API sessions, on their way
     * back to the gateways.
     */
    public static final String OUTBOUND = "capsule.outbound";

    /**
     * The same events for the sessions of named channels (Telegram, Slack, WhatsApp), on their way
     * to channel-adapters. A topic of their own so that channel-adapters fetches none of the web
     * traffic, and the gateways none of the channels'. The events themselves are the same records as
     * on {@link #OUTBOUND} (until 2026-11, both kinds were there).
     */
    public static final String OUTBOUND_CHANNELS = "capsule.outbound.channels";

    /** Session state and collection changes, folded into PostgreSQL by persistence-service. */
    public static final String CHANGES = "capsule.changes";

    /** Events that could not be processed, with the reason in a header. */
    public static final String DEAD_LETTER = "capsule.deadletter";

    /**
     * The Kafka header every Capsule producer sets to the event's {@code type}, so that a consumer
     * can pass over the events it has no use for without decoding them.
     */
    public static final String TYPE_HEADER = "capsule-type";

    /**
     * On outbound records (since 2026-11): the event's {@code seq}, in decimal. With
     * {@link #IN_REPLY_TO_HEADER} and the key, all a gateway needs to route and order an event, so
     * it forwards the record's bytes to the user without decoding them.
     */
    public static final String SEQ_HEADER = "capsule-seq";

    /** On outbound records (since 2026-11): the event's {@code inReplyTo}, the id of the message whose turn made it. */
    public static final String IN_REPLY_TO_HEADER = "capsule-in-reply-to";

    /**
     * Every topic, in the order the local stack creates them. The one list: {@code ./capsule up}
     * asks {@link #main} for it, and a test holds {@code k8s/base/topics.yaml} to it.
     */
    public static final java.util.List<String> ALL = java.util.List.of(INBOUND, OUTBOUND, OUTBOUND_CHANNELS, CHANGES, DEAD_LETTER);

    /** The outbound topic of a session on {@code channel}: {@link #OUTBOUND} for {@code web} and {@code api}, else {@link #OUTBOUND_CHANNELS}. */
    public static String outboundFor(String channel) {
        return "web".equals(channel) || "api".equals(channel) ? OUTBOUND : OUTBOUND_CHANNELS;
    }

    /** Prints {@link #ALL}, one name per line, for the scripts that create the topics. */
    public static void main(String[] args) {
        ALL.forEach(System.out::println);
    }

    private Topics() {
    }
}
