package dev.capsule.session.state;

import io.vertx.pgclient.PgException;
import java.util.function.Supplier;

/**
 * A store the runtime keeps a turn's world in (Kafka, Redis, PostgreSQL) could not be reached while the
 * handler used it: a collection write or read, a history page. That is an outage, not the app's failure,
 * so the turn is not failed: it runs again, with the same derived ids, once the store answers again.
 * Thrown only by the runtime's own calls, so that a handler's own network failures still fail its turn.
 */
public class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether {@code failure}, or a cause of it, is one. */
    public static boolean in(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof StoreUnavailableException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs a PostgreSQL read: an error PostgreSQL answered about the statement is rethrown as it is (it would
     * fail again); any other failure (no connection, no answer in time) is an outage of {@code what}.
     */
    public static <T> T readingPostgres(String what, Supplier<T> read) {
        try {
            return read.get();
        } catch (PgException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new StoreUnavailableException("PostgreSQL could not be read for " + what + ": " + e, e);
        }
    }
}
