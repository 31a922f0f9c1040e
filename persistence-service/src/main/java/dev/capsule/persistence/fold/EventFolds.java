package dev.capsule.persistence.fold;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.capsule.events.CapsuleEvent;
import dev.capsule.events.DocumentChanged;
import dev.capsule.events.EventCodec;
import dev.capsule.events.InboundMessage;
import dev.capsule.events.Reply;
import dev.capsule.events.SessionClosed;
import dev.capsule.events.SessionOpened;
import dev.capsule.events.SessionSnapshot;
import dev.capsule.events.Show;
import dev.capsule.events.StateChanged;
import dev.capsule.events.StreamEnd;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What each event writes into PostgreSQL. Every write is idempotent: messages are keyed by event id
 * ({@code ON CONFLICT DO NOTHING}), snapshots only move to a higher version, so a redelivered
 * event changes nothing. Kept: user messages, replies, finished streams (as one message) and
 * blocks; not kept: notifies, chunks and turn markers. Documents keep their latest version.
 * JSON columns are bound as the text the event carried, cast in SQL ({@code ::text::jsonb}): not
 * parsed into an object to be written out again.
 */
@ApplicationScoped
public class EventFolds {

    static final String INSERT_MESSAGE = """
            INSERT INTO messages (event_id, session_id, role, kind, text, block, in_reply_to, seq, user_id, created_at, inbound_offset)
            VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7, $8, $9, $10, $11)
            ON CONFLICT (event_id) DO NOTHING""";
    /** The first opening is the creation; the latest one tells a new life from a close ({@code GREATEST} skips nulls). */
    private static final String OPEN_SESSION = """
            INSERT INTO sessions (session_id, user_id, owner_id, channel, opened_at, last_opened_at) VALUES ($1, $2, $3, $4, $5, $5)
            ON CONFLICT (session_id) DO UPDATE SET user_id = COALESCE(sessions.user_id, EXCLUDED.user_id),
                owner_id = COALESCE(sessions.owner_id, EXCLUDED.owner_id),
                channel = COALESCE(sessions.channel, EXCLUDED.channel),
                opened_at = LEAST(sessions.opened_at, EXCLUDED.opened_at),
                last_opened_at = GREATEST(sessions.last_opened_at, EXCLUDED.last_opened_at)""";
    /** A saved turn is the session's latest activity: the idle reaper reads {@code last_activity_at}. */
    static final String SNAPSHOT = """
            INSERT INTO sessions (session_id, data, data_version, snapshot, last_activity_at)
            VALUES ($1, $2::text::jsonb, $3, $4::text::jsonb, $5)
            ON CONFLICT (session_id) DO UPDATE SET data = EXCLUDED.data, data_version = EXCLUDED.data_version,
                snapshot = COALESCE(EXCLUDED.snapshot, sessions.snapshot),
                last_activity_at = GREATEST(sessions.last_activity_at, EXCLUDED.last_activity_at)
            WHERE sessions.data_version < EXCLUDED.data_version""";
    private static final String PUT_DOCUMENT = """
            INSERT INTO documents (owner_id, collection, id, version, deleted, data, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7, $8)
            ON CONFLICT (owner_id, collection, id) DO UPDATE SET version = EXCLUDED.version, deleted = EXCLUDED.deleted,
                data = EXCLUDED.data, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at
            WHERE documents.version < EXCLUDED.version""";
    /** The latest close, whatever order the events of several lives arrive in. */
    private static final String CLOSE_SESSION = """
            INSERT INTO sessions (session_id, closed_at) VALUES ($1, $2)
            ON CONFLICT (session_id) DO UPDATE SET closed_at = GREATEST(sessions.closed_at, EXCLUDED.closed_at)""";

    /** The {@code type}s of the events the read model keeps; every other event folds to nothing. */
    private static final Set<String> KEPT_TYPES = Stream.of(InboundMessage.class, Reply.class, StreamEnd.class, Show.class,
                    SessionOpened.class, StateChanged.class, SessionClosed.class, DocumentChanged.class)
            .map(type -> type.getAnnotation(JsonTypeName.class).value()).collect(Collectors.toUnmodifiableSet());

    /** The contract's other event types: known to write nothing, so never worth decoding. */
    private static final Set<String> PASSED_OVER_TYPES = Stream.of(CapsuleEvent.class.getAnnotation(JsonSubTypes.class).value())
            .map(subtype -> subtype.value().getAnnotation(JsonTypeName.class).value())
            .filter(type -> !KEPT_TYPES.contains(type)).collect(Collectors.toUnmodifiableSet());

    /**
     * Whether an event of {@code type} (from its {@link dev.capsule.events.Topics#TYPE_HEADER}) is one
     * the read model knows it does not keep (a chunk, a notify, a turn marker), so that its record
     * need not be decoded. An unknown type is not passed over: decoding tells what it is, or sets it aside.
     */
    public boolean passesOver(String type) {
        return PASSED_OVER_TYPES.contains(type);
    }

    /** One idempotent statement and its arguments: what folding one event writes. */
    public record Write(String sql, Tuple args) {
    }

    /**
     * What folding {@code event} writes, or empty for the events the read model does not keep; {@code offset} is
     * where its record sits in its topic, kept for a user's message (see {@link #snapshotWithoutHistory}).
     */
    public Optional<Write> writeFor(CapsuleEvent event, long offset) {
        return Optional.ofNullable(switch (event) {
            case InboundMessage m -> message(m, "user", "text", m.shownText(), null, null, null, m.user().id(), offset);
            case Reply r -> message(r, "app", "text", r.text(), null, r.inReplyTo(), r.seq(), null, null);
            case StreamEnd s -> message(s, "app", "stream", s.text(), null, s.inReplyTo(), s.seq(), null, null);
            case Show s -> message(s, "app", "block", s.block().path("fallbackText").asText(s.block().path("kind").asText()),
                    s.block().toString(), s.inReplyTo(), s.seq(), null, null);
            case SessionOpened o -> new Write(OPEN_SESSION, Tuple.of(o.sessionId(), o.user().id(), o.user().ownerId(), o.channel(), at(o.timestamp())));
            case StateChanged c -> new Write(SNAPSHOT, Tuple.of(c.sessionId(), c.data().toString(), c.version(),
                    c.snapshot() == null ? null : snapshotWithoutHistory(c.snapshot()), at(c.timestamp())));
            case SessionClosed c -> new Write(CLOSE_SESSION, Tuple.of(c.sessionId(), at(c.timestamp())));
            case DocumentChanged d -> new Write(PUT_DOCUMENT, Tuple.from(new Object[] {d.ownerId(), d.collection(),
                    d.documentId(), d.version(), d.deleted(), d.data() == null ? null : d.data().toString(),
                    at(d.createdAt()), at(d.updatedAt())}));
            default -> null;
        });
    }

    private static Write message(CapsuleEvent e, String role, String kind, String text, String block,
                                 String inReplyTo, Long seq, String userId, Long inboundOffset) {
        return new Write(INSERT_MESSAGE, Tuple.from(new Object[] {e.eventId(), e.sessionId(), role, kind, text, block,
                inReplyTo, seq, userId, at(e.timestamp()), inboundOffset}));
    }

    /**
     * The snapshot as the read model keeps it: everything but the history window, whose lines the messages table
     * holds already. Rewriting the window into the session's row at every turn cost PostgreSQL some 110 µs a turn
     * for a 20-line window, against 25 µs without it (measured: docs/performance.md), and grows with the window;
     * session-service rebuilds the window from the messages when it resumes a session from here
     * ({@code SnapshotReader}). The event on Kafka still carries the whole snapshot.
     */
    static String snapshotWithoutHistory(SessionSnapshot snapshot) {
        try {
            return WITHOUT_HISTORY.writeValueAsString(snapshot);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the snapshot of a session", e);
        }
    }

    /** Writes a snapshot straight to JSON without its window, instead of building the whole tree and pruning it. */
    private static final ObjectWriter WITHOUT_HISTORY = EventCodec.mapper().copy()
            .addMixIn(SessionSnapshot.class, HistoryLeftOut.class).writerFor(SessionSnapshot.class);

    @JsonIgnoreProperties("history")
    private abstract static class HistoryLeftOut {
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
