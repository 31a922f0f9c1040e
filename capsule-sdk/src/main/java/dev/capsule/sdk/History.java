package dev.capsule.sdk;

import java.util.List;

/**
 * The conversation's messages, newest last. The recent window is at hand without I/O; older
 * messages are read from the history store on demand.
 */
public interface History {

    /** The most recent messages, oldest first and newest last, including the message being handled. */
    List<HistoryEntry> recent();

    /**
     * Up to {@code limit} messages said before message {@code messageId}, oldest first: the
     * page before it. Reads the history store; blocks.
     */
    List<HistoryEntry> before(String messageId, int limit);

    /** Up to {@code limit} messages older than the recent window, oldest first. */
    default List<HistoryEntry> older(int limit) {
        List<HistoryEntry> recent = recent();
        return recent.isEmpty() ? List.of() : before(recent.get(0).id(), limit);
    }

    /** The number of messages in the recent window. */
    default int size() {
        return recent().size();
    }
}
