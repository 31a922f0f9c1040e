package dev.capsule.bench.measure;

/**
 * What went wrong in a step; every count should be zero.
 *
 * @param lost           messages never answered (within the drain) and events missing from a session's seq run
 * @param duplicated     events seen twice (same seq), turns answered twice
 * @param outOfOrder     events behind their session's seq, chunks out of index order, a reply naming the wrong turn
 * @param late           answers still missing when the drain ended, in a step that was already past its ceiling:
 *                       queued, not proven lost, so kept apart from {@code lost}
 * @param failed         turns that ended in turn.failed
 * @param errors         refused sends (an HTTP status other than 200, an error frame, a broken connection)
 * @param historyMissing messages of the checked sessions not found in the history
 * @param historyDoubled messages found in the history more often than sent
 * @param historyOrder   checked sessions whose history does not list the user's messages in sending order
 */
public record Counts(long lost, long duplicated, long outOfOrder, long late, long failed, long errors,
                     long historyMissing, long historyDoubled, long historyOrder) {

    public static final Counts NONE = new Counts(0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** The three counts the issue says must be zero, with the read model's share of each. */
    public long lostAll() {
        return lost + historyMissing;
    }

    public long duplicatedAll() {
        return duplicated + historyDoubled;
    }

    public long outOfOrderAll() {
        return outOfOrder + historyOrder;
    }

    public boolean clean() {
        return lostAll() == 0 && duplicatedAll() == 0 && outOfOrderAll() == 0 && failed == 0 && errors == 0;
    }
}
