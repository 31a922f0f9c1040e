package dev.capsule.session.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capsule.events.HistoryLine;
import dev.capsule.events.SessionSnapshot;
import dev.capsule.events.UserRef;
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
 */
public record SessionState(String sessionId, UserRef user, String channel, Instant createdAt, long version,
                           ObjectNode data, List<HistoryLine> history, long outboundSeq, List<String> recentInbound,
                           Instant closedAt) {

    public SessionState {
        history = List.copyOf(history);
        recentInbound = List.copyOf(recentInbound);
    }

    /** The state as it was saved in PostgreSQL: its data and version, and the snapshot. */
    public static SessionState of(String sessionId, long version, ObjectNode data, SessionSnapshot snapshot) {
        return new SessionState(sessionId, snapshot.user(), snapshot.channel(), snapshot.createdAt(), version, data,
                snapshot.history(), snapshot.outboundSeq(), snapshot.recentInbound(), snapshot.closedAt());
    }

    public SessionSnapshot snapshot() {
        return new SessionSnapshot(user, channel, createdAt, outboundSeq, recentInbound, history, closedAt);
    }

    public boolean closed() {
        return closedAt != null;
    }
}
