package dev.capsule.session.state;

/**
 * A save was refused because the stored state is newer than the one this instance loaded:
 * another instance handled the session since (after a rebalance). The turn's state is dropped.
 */
public class StaleSessionException extends RuntimeException {

    public StaleSessionException(String sessionId, long expected, long stored) {
        super("session " + sessionId + " is at version " + stored + " but this instance loaded version " + expected
                + ": another instance has taken it over, so this turn's state is not saved");
    }
}
