package dev.capsule.kafka;

import dev.capsule.events.TraceContext;
import org.jboss.logging.MDC;

/**
 * The ids that the log lines of a piece of work are about, in the logging MDC: {@code sessionId}, {@code messageId} and
 * {@code traceId}. JSON logs ({@code CAPSULE_LOG_FORMAT=json}) print them as fields of each line, so that a log search
 * finds every line of one session, message or trace, the handler's own lines too, without parsing message texts.
 * <p>
 * They hold for the thread that opened this until it closes it, which puts back what was there before: a turn's
 * virtual thread, a delivery on its consumer's thread, a request on its event loop. Lines logged from callbacks on other
 * threads (Kafka's acknowledgements) do not carry them, and name the session in their text instead.
 */
public final class LogContext implements AutoCloseable {

    static final String SESSION_ID = "sessionId";
    static final String MESSAGE_ID = "messageId";
    static final String TRACE_ID = "traceId";

    private final Object sessionBefore;
    private final Object messageBefore;
    private final Object traceBefore;

    private LogContext(String sessionId, String messageId, String traceId) {
        sessionBefore = put(SESSION_ID, sessionId);
        messageBefore = put(MESSAGE_ID, messageId);
        traceBefore = put(TRACE_ID, traceId);
    }

    /** Puts the ids of a message of {@code sessionId} in the MDC until closed; any of them may be null (left out). */
    public static LogContext of(String sessionId, String messageId, TraceContext trace) {
        return new LogContext(sessionId, messageId, traceIdOf(trace));
    }

    /** The trace id of a W3C {@code traceparent} ({@code 00-<trace id>-<span id>-<flags>}), or null. */
    static String traceIdOf(TraceContext trace) {
        String parent = trace == null ? null : trace.traceparent();
        return parent != null && parent.length() > 35 && parent.charAt(2) == '-' && parent.charAt(35) == '-'
                ? parent.substring(3, 35) : null;
    }

    @Override
    public void close() {
        restore(SESSION_ID, sessionBefore);
        restore(MESSAGE_ID, messageBefore);
        restore(TRACE_ID, traceBefore);
    }

    private static Object put(String key, String value) {
        Object before = MDC.get(key);
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
        return before;
    }

    private static void restore(String key, Object before) {
        if (before == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, before);
        }
    }
}
