package dev.capsule.session.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capsule.events.HistoryLine;
import dev.capsule.events.InboundPosition;
import dev.capsule.events.SessionSnapshot;
import dev.capsule.events.UserRef;
import dev.capsule.sdk.SessionData;
import java.time.Instant;
import java.util.List;

/**
 * What session-service keeps of a session between turns: in Redis, and as a snapshot in
 * every {@code StateChanged} event, from which PostgreSQL keeps a copy.
 *
 * @param version        bumped by every save; a save that expects an older version is refused
 * @param data           the app's per-session state
 * @param history        the recent window, oldest first
 * @param outboundSeq    the seq of the last outbound event sent
 * @param recentInbound  ids of the last inbound messages handled, to drop redeliveries
 * @param closedAt       when the session was closed (its {@code exit()} ran); null while it is open
 * @param handledUpTo    where the last message handled sits in {@code capsule.inbound}, to drop redeliveries
 *                       beyond the ids kept; null before the first
 */
public record SessionState(String sessionId, UserRef user, String channel, Instant createdAt, long version,
                           ObjectNode data, List<HistoryLine> history, long outboundSeq, List<String> recentInbound,
                           Instant closedAt, InboundPosition handledUpTo) {

    public SessionState {
        history = List.copyOf(history);
        recentInbound = List.copyOf(recentInbound);
    }

    /** The state of a session that has none yet: version 0, empty data and history. */
    public static SessionState fresh(String sessionId, UserRef user, String channel) {
        return new SessionState(sessionId, user, channel, Instant.now(), 0, SessionData.empty().toJson(), List.of(), 0,
                List.of(), null, null);
    }

    /** The state as it was saved in PostgreSQL: its data and version, and the snapshot. */
    public static SessionState of(String sessionId, long version, ObjectNode data, SessionSnapshot snapshot) {
        return new SessionState(sessionId, snapshot.user(), snapshot.channel(), snapshot.createdAt(), version, data,
                snapshot.history(), snapshot.outboundSeq(), snapshot.recentInbound(), snapshot.closedAt(), snapshot.handledUpTo());
    }

    public SessionSnapshot snapshot() {
        return new SessionSnapshot(user, channel, createdAt, outboundSeq, recentInbound, history, closedAt, handledUpTo);
    }

    public boolean closed() {
        return closedAt != null;
    }
}
