package dev.capsule.testkit;

import dev.capsule.sdk.History;
import dev.capsule.sdk.HistoryEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * A session's history in memory. Like the runtime, the recent window is what was kept after the
 * last turn (its last {@value #WINDOW} messages) plus what the running turn has said so far;
 * {@link #before} reaches every message, as the runtime's history store does.
 */
final class TestHistory implements History {

    /** The runtime's default {@code capsule.session.history-window}. */
    static final int WINDOW = 50;
    /** The most a history page holds in the runtime. */
    private static final int MAX_PAGE = 500;

    private final List<HistoryEntry> all = new ArrayList<>();
    private int windowStart;

    synchronized void add(HistoryEntry entry) {
        all.add(entry);
    }

    /** Trims the recent window as the runtime's save after a turn does. */
    synchronized void endTurn() {
        windowStart = Math.max(windowStart, all.size() - WINDOW);
    }

    @Override
    public synchronized List<HistoryEntry> recent() {
        return List.copyOf(all.subList(windowStart, all.size()));
    }

    @Override
    public synchronized List<HistoryEntry> before(String messageId, int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("a history page holds 1 to " + MAX_PAGE + " messages, not " + limit);
        }
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).id().equals(messageId)) {
                return List.copyOf(all.subList(Math.max(0, i - limit), i));
            }
        }
        return List.of(); // the runtime's store finds no such message either
    }
}
