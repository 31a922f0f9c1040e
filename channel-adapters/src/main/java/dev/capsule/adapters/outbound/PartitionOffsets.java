package dev.capsule.adapters.outbound;

import java.util.TreeSet;

/**
 * The offsets of one assigned partition that are taken but not yet settled (delivered or
 * dead-lettered). Only the offset below the oldest unsettled record may be committed, so a
 * crash re-delivers everything not settled, and lanes may settle out of order.
 */
final class PartitionOffsets {

    private final TreeSet<Long> pending = new TreeSet<>();
    private long highest = -1;
    private long committed = -1;
    private volatile boolean revoked;

    synchronized void taken(long offset) {
        pending.add(offset);
        highest = Math.max(highest, offset);
    }

    /** A record that needs no delivery (another channel's). */
    synchronized void skipped(long offset) {
        highest = Math.max(highest, offset);
    }

    synchronized void settled(long offset) {
        pending.remove(offset);
    }

    /** The offset to commit now, or -1 when nothing new is settled. */
    synchronized long commitNow() {
        long next = pending.isEmpty() ? highest + 1 : pending.first();
        if (next <= 0 || next == committed) {
            return -1;
        }
        return next;
    }

    synchronized void committed(long offset) {
        committed = offset;
    }

    /** Another replica owns the partition now: its records still queued here are left to that replica. */
    void revoke() {
        revoked = true;
    }

    boolean revoked() {
        return revoked;
    }
}
