package dev.capsule.session.readmodel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capsule.events.EventCodec;
import dev.capsule.events.SessionSnapshot;
import dev.capsule.events.Topics;
import dev.capsule.kafka.KafkaConnection;
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
import java.util.Map;
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
 */
@ApplicationScoped
public class SnapshotReader {

    private static final Logger LOG = Logger.getLogger(SnapshotReader.class);
    private static final String EXISTS = "SELECT 1 FROM sessions WHERE session_id = $1";
    private static final String SNAPSHOT = "SELECT data, data_version, snapshot FROM sessions WHERE session_id = $1";

    private final Pool pool;
    private final FoldPositions folds;
    private final Admin admin;
    private volatile int partitions;

    SnapshotReader(Pool pool, FoldPositions folds, KafkaConnection kafka) {
        this.pool = pool;
        this.folds = folds;
        this.admin = Admin.create(kafka.with(Map.of(AdminClientConfig.CLIENT_ID_CONFIG, "session-service-fold-positions")));
    }

    public Optional<SessionState> load(String sessionId) {
        // A session PostgreSQL has never heard of is new: no wait. (One created and then lost
        // from Redis within the fold's lag would be taken for new; the window is that lag.)
        if (pool.preparedQuery(EXISTS).execute(Tuple.of(sessionId)).await().atMost(Duration.ofSeconds(10)).size() == 0) {
            return Optional.empty();
        }
        if (folds.enabled()) {
            TopicPartition tp = partitionOf(sessionId);
            long end = get(admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all()).get(tp).offset();
            if (end > 0) {
                folds.awaitFolded(tp, end - 1);
            }
        }
        RowSet<Row> rows = pool.preparedQuery(SNAPSHOT).execute(Tuple.of(sessionId)).await().atMost(Duration.ofSeconds(10));
        if (rows.size() == 0) {
            return Optional.empty();
        }
        Row row = rows.iterator().next();
        if (row.getJsonObject("snapshot") == null) {
            return Optional.empty(); // written by a 1.0 producer: not enough to resume
        }
        try {
            SessionSnapshot snapshot = EventCodec.mapper().readValue(row.getJsonObject("snapshot").encode(), SessionSnapshot.class);
            ObjectNode data = (ObjectNode) EventCodec.mapper().readTree(row.getJsonObject("data").encode());
            LOG.infof("session %s resumed from PostgreSQL at version %d (Redis had no state)", sessionId, row.getLong("data_version"));
            return Optional.of(SessionState.of(sessionId, row.getLong("data_version"), data, snapshot));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the snapshot of session " + sessionId + " in PostgreSQL is unreadable", e);
        }
    }

    private TopicPartition partitionOf(String sessionId) {
        if (partitions == 0) {
            partitions = get(admin.describeTopics(java.util.List.of(Topics.CHANGES)).allTopicNames())
                    .get(Topics.CHANGES).partitions().size();
        }
        // The producer's default partitioner for a keyed record.
        int p = Utils.toPositive(Utils.murmur2(sessionId.getBytes(StandardCharsets.UTF_8))) % partitions;
        return new TopicPartition(Topics.CHANGES, p);
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
