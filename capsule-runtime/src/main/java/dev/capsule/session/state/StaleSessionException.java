package dev.capsule.session.state;

/**
 * Another instance has the session now (after a rebalance): a save was refused because the stored
 * state is newer than the one this instance loaded, or this instance no longer holds the session's
 * partition ({@link PartitionFence}). The turn's remaining effects and its state are dropped.
 */
public class StaleSessionException extends RuntimeException {

    public StaleSessionException(String sessionId, long expected, long stored) {
        super("session " + sessionId + " is at version " + stored + " but this instance loaded version " + expected
                + ": another instance has taken it over, so this turn's state is not saved");
    }

    public StaleSessionException(String message) {
        super(message);
    }
}
