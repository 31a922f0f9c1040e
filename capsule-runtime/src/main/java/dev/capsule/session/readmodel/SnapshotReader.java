package dev.capsule.session.readmodel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capsule.events.EventCodec;
import dev.capsule.events.HistoryLine;
import dev.capsule.events.InboundPosition;
import dev.capsule.events.SessionSnapshot;
import dev.capsule.events.Topics;
import dev.capsule.kafka.KafkaConnection;
import dev.capsule.session.config.SessionConfig;
import dev.capsule.session.state.SessionState;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.jboss.logging.Logger;

/**
 * Reads a session's last snapshot from PostgreSQL when Redis does not have it (Redis is a
 * cache: flushed, restarted without persistence, or evicted). The fold into PostgreSQL is
 * asynchronous, so it first waits until persistence-service has folded every change already
 * on the session's partition of {@code capsule.changes}: the snapshot read is then the
 * newest, and a session that exists is never taken for new. Runs on turn threads.
 *
 * <p>The read model keeps the snapshot without its history window (persistence-service's
 * {@code EventFolds}): rewriting the window into the session's row at every turn was most of
 * what a turn cost PostgreSQL. The window is rebuilt from the messages table, which holds every
 * line: the user's messages up to the last one the snapshot handled (by their place in
 * {@code capsule.inbound}), and the answers to the messages and events it handled, after
 * waiting for those to be folded too. A snapshot written before that change still carries its
 * window, and is read as it is.
 */
@ApplicationScoped
public class SnapshotReader {

    private static final Logger LOG = Logger.getLogger(SnapshotReader.class);
    private static final String EXISTS = "SELECT 1 FROM sessions WHERE session_id = $1";
    private static final String KNOWN = "SELECT session_id FROM sessions WHERE session_id = ANY($1)";
    private static final String SNAPSHOT = "SELECT data, data_version, snapshot FROM sessions WHERE session_id = $1";
    /**
     * The newest lines of the history as the snapshot had it: the user's messages it handled, and the answers to them
     * or to the other events it handled ($3: a proactive message, a due job, a close), never those of a message that
     * came after it (a turn that ran again after a crash has its answers folded already). In the history API's order.
     */
    private static final String WINDOW = """
            SELECT m.event_id, m.role, m.text, m.created_at FROM messages m
            WHERE m.session_id = $1 AND (
                (m.role = 'user' AND COALESCE(m.inbound_offset, -1) <= $2)
                OR (m.role = 'app' AND (m.in_reply_to = ANY($3) OR EXISTS (
                    SELECT 1 FROM messages u WHERE u.event_id = m.in_reply_to AND u.session_id = $1 AND u.role = 'user'
                      AND COALESCE(u.inbound_offset, -1) <= $2))))
            ORDER BY m.created_at DESC, m.seq DESC NULLS LAST, m.position DESC
            LIMIT $4""";

    private final Pool pool;
    private final FoldPositions folds;
    private final Admin admin;
    private final int historyWindow;
    /** Partitions per topic, read once: a session's key maps to the same partition of each topic while the count holds. */
    private final Map<String, Integer> partitions = new ConcurrentHashMap<>();

    SnapshotReader(Pool pool, FoldPositions folds, KafkaConnection kafka, SessionConfig config) {
        this.pool = pool;
        this.folds = folds;
        this.historyWindow = config.historyWindow();
        this.admin = Admin.create(kafka.with(Map.of(AdminClientConfig.CLIENT_ID_CONFIG, "session-service-fold-positions")));
    }

    public Optional<SessionState> load(String sessionId) {
        // A session PostgreSQL has never heard of is new: no wait. (One created and then lost
        // from Redis within the fold's lag would be taken for new; the window is that lag.)
        if (pool.preparedQuery(EXISTS).execute(Tuple.of(sessionId)).await().atMost(Duration.ofSeconds(10)).size() == 0) {
            return Optional.empty();
        }
        return loadKnown(sessionId);
    }

    /** As {@link #load}, for a session PostgreSQL is known to have a row for ({@link #known}): its snapshot, once folded. */
    public Optional<SessionState> loadKnown(String sessionId) {
        awaitFoldedToTheEnd(Topics.CHANGES, sessionId);
        RowSet<Row> rows = pool.preparedQuery(SNAPSHOT).execute(Tuple.of(sessionId)).await().atMost(Duration.ofSeconds(10));
        if (rows.size() == 0) {
            return Optional.empty();
        }
        Row row = rows.iterator().next();
        if (row.getJsonObject("snapshot") == null) {
            return Optional.empty(); // written by a 1.0 producer: not enough to resume
        }
        try {
            ObjectNode kept = (ObjectNode) EventCodec.mapper().readTree(row.getJsonObject("snapshot").encode());
            // Read without its window, a snapshot's history is empty (SessionSnapshot): rebuilt below.
            SessionSnapshot snapshot = EventCodec.mapper().treeToValue(kept, SessionSnapshot.class);
            if (!kept.has("history")) {
                snapshot = snapshot.withHistory(window(sessionId, snapshot));
            }
            ObjectNode data = (ObjectNode) EventCodec.mapper().readTree(row.getJsonObject("data").encode());
            LOG.infof("session %s resumed from PostgreSQL at version %d with %d history lines (Redis had no state)", sessionId,
                    row.getLong("data_version"), snapshot.history().size());
            return Optional.of(SessionState.of(sessionId, row.getLong("data_version"), data, snapshot));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the snapshot of session " + sessionId + " in PostgreSQL is unreadable", e);
        }
    }

    /**
     * Which of {@code sessionIds} PostgreSQL has a row for, in one query, without waiting: a session it has never heard
     * of is new (as in {@link #load}, within the fold's lag).
     */
    public CompletableFuture<Set<String>> known(List<String> sessionIds) {
        return pool.preparedQuery(KNOWN).execute(Tuple.of(sessionIds.toArray(String[]::new))).map(rows -> {
            Set<String> known = new HashSet<>();
            for (Row row : rows) {
                known.add(row.getString(0));
            }
            return known;
        }).subscribeAsCompletionStage();
    }

    /** The history window the snapshot had, from the messages table, once the messages it covers are folded. */
    private List<HistoryLine> window(String sessionId, SessionSnapshot snapshot) {
        InboundPosition handled = snapshot.handledUpTo();
        if (handled != null) {
            folds.awaitFolded(new TopicPartition(Topics.INBOUND, handled.partition()), handled.offset());
        }
        awaitFoldedToTheEnd(Topics.outboundFor(snapshot.channel()), sessionId);
        RowSet<Row> rows = pool.preparedQuery(WINDOW).execute(Tuple.of(sessionId, handled == null ? -1L : handled.offset(),
                snapshot.recentInbound().toArray(String[]::new), historyWindow)).await().atMost(Duration.ofSeconds(10));
        List<HistoryLine> lines = new ArrayList<>(rows.size());
        for (Row line : rows) {
            lines.add(new HistoryLine(line.getString("event_id"), line.getString("role"), line.getString("text"),
                    line.getOffsetDateTime("created_at").toInstant()));
        }
        return lines.reversed();
    }

    /**
     * Waits until persistence-service has folded every record already on the session's partition of {@code topic} (no
     * wait when folds are off).
     */
    private void awaitFoldedToTheEnd(String topic, String sessionId) {
        if (!folds.enabled()) {
            return;
        }
        TopicPartition tp = partitionOf(topic, sessionId);
        long end = get(admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all()).get(tp).offset();
        if (end > 0) {
            folds.awaitFolded(tp, end - 1);
        }
    }

    private TopicPartition partitionOf(String topic, String sessionId) {
        int count = partitions.computeIfAbsent(topic, t -> get(admin.describeTopics(List.of(t)).allTopicNames())
                .get(t).partitions().size());
        // The producer's default partitioner for a keyed record.
        return new TopicPartition(topic, Utils.toPositive(Utils.murmur2(sessionId.getBytes(StandardCharsets.UTF_8))) % count);
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking Kafka", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka could not answer: " + e.getCause().getMessage(), e.getCause());
        }
    }

    void close(@Observes ShutdownEvent ignored) {
        admin.close();
    }
}
