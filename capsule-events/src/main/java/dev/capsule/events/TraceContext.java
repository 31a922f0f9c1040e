package dev.capsule.events;

/**
 * W3C trace context carried by an event, so that one trace follows a message through every
 * service. The same values also travel in the Kafka record headers.
 *
 * @param traceparent the W3C {@code traceparent} value, or null when the sender had no trace
 * @param tracestate  the W3C {@code tracestate} value, or null
 */
public record TraceContext(String traceparent, String tracestate) {

    /** No trace context. */
    public static final TraceContext NONE = new TraceContext(null, null);
}
