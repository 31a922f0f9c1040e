package dev.capsule.session.inbound;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Tells a turn's own failure, which happens again however often the turn runs, from an outage, which
 * passes. Kafka says which of its errors are worth retrying ({@link RetriableException}); an error it
 * answers about the record itself (too large, invalid) is the turn's, as is an event or state that
 * cannot be written as JSON. Everything else, Redis and PostgreSQL failing included, and a cluster that
 * refuses the service's credentials, is an outage: the turn waits for it to end.
 */
final class TurnFailures {

    private TurnFailures() {
    }

    /** Whether {@code failure} (or a cause of it) is the turn's own, so that running it again cannot help. */
    static boolean isTheTurnsOwn(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof RetriableException || cause instanceof AuthenticationException
                    || cause instanceof AuthorizationException) {
                return false;
            }
            if (cause instanceof ApiException || cause instanceof JsonProcessingException) {
                return true;
            }
        }
        return false;
    }

    /** The innermost cause's class and message, for a dead letter's reason and the log. */
    static String reason(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
