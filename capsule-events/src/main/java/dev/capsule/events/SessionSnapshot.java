package dev.capsule.events;

import java.time.Instant;
import java.util.List;

/**
 * Everything session-service needs to resume a session without Redis, carried by
 * {@link StateChanged} since schema 1.1 so that PostgreSQL can resume it. The read model keeps it without its
 * history window, whose lines it holds as messages (a snapshot read back from there has an empty history).
 *
 * @param user          the session's user
 * @param channel       the channel it lives on
 * @param createdAt     when it was created
 * @param outboundSeq   the seq of its last outbound event
 * @param recentInbound ids of the last inbound messages handled, to drop redeliveries
 * @param history       the recent history window, oldest first
 * @param closedAt      when the session was closed and its {@code exit()} ran; null while it is open
 *                      (and in snapshots older than 1.6)
 * @param handledUpTo   where the last message it handled sits in {@code capsule.inbound}: a redelivered record
 *                      at or below it is dropped; null before the first (and in snapshots older than 1.8)
 */
public record SessionSnapshot(UserRef user, String channel, Instant createdAt, long outboundSeq,
                              List<String> recentInbound, List<HistoryLine> history, Instant closedAt,
                              InboundPosition handledUpTo) {

    public SessionSnapshot {
        recentInbound = recentInbound == null ? List.of() : List.copyOf(recentInbound);
        history = history == null ? List.of() : List.copyOf(history);
    }

    /** This snapshot with {@code history} as its window: what a reader that keeps the window apart puts back. */
    public SessionSnapshot withHistory(List<HistoryLine> history) {
        return new SessionSnapshot(user, channel, createdAt, outboundSeq, recentInbound, history, closedAt, handledUpTo);
    }
}
