package dev.capsule.events;

/**
 * The Kafka topics of Capsule. Every record on them is keyed by session id, so that one
 * session's events stay in one partition and in order.
 */
public final class Topics {

    /** User messages from every channel, on their way to session-service. */
    public static final String INBOUND = "capsule.inbound";

    /** Replies, notifies, stream chunks and blocks, on their way back to the channels. */
    public static final String OUTBOUND = "capsule.outbound";

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
     * Every topic, in the order the local stack creates them. The one list: {@code ./capsule up}
     * asks {@link #main} for it, and a test holds {@code k8s/topics.yaml} to it.
     */
    public static final java.util.List<String> ALL = java.util.List.of(INBOUND, OUTBOUND, CHANGES, DEAD_LETTER);

    /** Prints {@link #ALL}, one name per line, for the scripts that create the topics. */
    public static void main(String[] args) {
        ALL.forEach(System.out::println);
    }

    private Topics() {
    }
}
