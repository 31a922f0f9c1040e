package dev.capsule.sdk;

import java.util.List;

/**
 * The conversation's messages, newest last. The recent window is at hand without I/O.
 */
public interface History {

    /** The most recent messages, oldest first and newest last, including the message being handled. */
    List<HistoryEntry> recent();

    /** The number of messages in the recent window. */
    default int size() {
        return recent().size();
    }
}
