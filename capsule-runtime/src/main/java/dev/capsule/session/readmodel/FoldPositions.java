package dev.capsule.session.readmodel;

import dev.capsule.session.config.SessionConfig;
import dev.capsule.session.state.StoreUnavailableException;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * How far persistence-service has folded each partition into PostgreSQL (it writes the
 * position in the same transaction as the fold). Waiting here until a write's offset is
 * passed is how a reader sees its own writes although the fold is asynchronous.
 */
@ApplicationScoped
public class FoldPositions {

    private static final Logger LOG = Logger.getLogger(FoldPositions.class);
    private static final String FOLDED = "SELECT next_offset FROM fold_positions WHERE topic = $1 AND partition = $2";

    private final Pool pool;
    private final Duration maxWait;

    FoldPositions(Pool pool, SessionConfig config) {
        this.pool = pool;
        this.maxWait = config.foldWait();
    }

    /** Whether this deployment waits at all (tests of session-service alone have no fold to wait for). */
    public boolean enabled() {
        return !maxWait.isZero();
    }

    /**
     * Blocks until the record at {@code offset} of {@code tp} is folded, or the configured
     * wait has passed (then says so in the log: the read may miss that write).
     */
    public void awaitFolded(TopicPartition tp, long offset) {
        if (!enabled()) {
            return;
        }
        Instant deadline = Instant.now().plus(maxWait);
        while (folded(tp) <= offset) {
            if (Instant.now().isAfter(deadline)) {
                LOG.warnf("persistence-service has not folded %s up to offset %d within %s; reading what it has", tp, offset, maxWait);
                return;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the fold of " + tp, e);
            }
        }
    }

    /** The next offset of {@code tp} to fold: everything before it is in PostgreSQL. */
    public long folded(TopicPartition tp) {
        RowSet<Row> rows = StoreUnavailableException.readingPostgres("the fold position of " + tp,
                () -> pool.preparedQuery(FOLDED).execute(Tuple.of(tp.topic(), tp.partition())).await().atMost(Duration.ofSeconds(10)));
        return rows.size() == 0 ? 0 : rows.iterator().next().getLong("next_offset");
    }
}
