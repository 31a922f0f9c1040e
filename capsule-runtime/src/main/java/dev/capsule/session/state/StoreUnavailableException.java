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
            if (!unavailable(e)) {
                throw e;
            }
            throw new StoreUnavailableException("PostgreSQL could not be read for " + what + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new StoreUnavailableException("PostgreSQL could not be read for " + what + ": " + e, e);
        }
    }

    /** Runs a Redis command: any failure is an outage of {@code what} (the runtime's scripts do not fail on their own). */
    public static <T> T usingRedis(String what, Supplier<T> command) {
        try {
            return command.get();
        } catch (RuntimeException e) {
            throw new StoreUnavailableException("Redis could not " + what + ": " + e, e);
        }
    }

    /**
     * PostgreSQL answering that it cannot serve now rather than that the statement is wrong: a connection
     * exception (class 08), a server starting, stopping or restarting (class 57P), out of resources (class 53).
     */
    private static boolean unavailable(PgException e) {
        String state = e.getSqlState();
        return state != null && (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53"));
    }
}
