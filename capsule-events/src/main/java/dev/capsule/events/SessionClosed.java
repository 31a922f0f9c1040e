package dev.capsule.events;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;

/**
 * A session was closed and its {@code exit()} hook ran. A later message opens a new life of the same
 * session ({@link SessionOpened} again).
 *
 * @param reason why: {@code explicit} (the app's {@code session.close()}, or the user's close) or {@code idle}
 */
@JsonTypeName("session.closed")
public record SessionClosed(String eventId, String schemaVersion, String sessionId, Instant timestamp,
                            TraceContext trace, String reason) implements CapsuleEvent {

    public SessionClosed {
        EventFields.check(eventId, schemaVersion, sessionId, timestamp);
        EventFields.require(reason, "reason");
    }

    /** The reason of a close asked for by the app or the user. */
    public static final String EXPLICIT = "explicit";

    /** The reason of a close by the idle reaper: nothing happened in the session for its idle timeout. */
    public static final String IDLE = "idle";

    public static SessionClosed of(EventMeta m, String reason) {
        return new SessionClosed(m.eventId(), m.schemaVersion(), m.sessionId(), m.timestamp(), m.trace(), reason);
    }
}
