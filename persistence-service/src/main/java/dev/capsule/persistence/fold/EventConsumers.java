package dev.capsule.persistence.fold;

import dev.capsule.events.CapsuleEvent;
import dev.capsule.events.EventCodec;
import dev.capsule.events.EventDecodingException;
import dev.capsule.events.Topics;
import dev.capsule.persistence.fold.EventFolds.Write;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgException;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * The event streams persistence-service folds (inbound, outbound, changes), a polled batch at
 * a time: each batch commits in one transaction together with the partitions' fold positions,
 * which readers wait on to see their own writes. One transaction per batch rather than per event because an
 * event costs PostgreSQL little and a commit a lot; a batch is only as large as what
 * arrived while the previous one committed, so a quiet stream still folds each event at once.
 * An unreadable record, or a user message of someone who does not own its session
 * ({@link SessionOwners}), goes to the dead-letter topic with the reason; a failing database is
 * retried, holding the stream back, because a good event set aside would be missing from the
 * history for good.
 */
@ApplicationScoped
public class EventConsumers {

    private static final Logger LOG = Logger.getLogger(EventConsumers.class);

    private static final String POSITION = """
            INSERT INTO fold_positions (topic, partition, next_offset) VALUES ($1, $2, $3)
            ON CONFLICT (topic, partition) DO UPDATE SET next_offset = GREATEST(fold_positions.next_offset, EXCLUDED.next_offset)""";

    private final EventFolds folds;
    private final SessionOwners owners;
    private final DeadLetters deadLetters;
    private final Pool pool;
    private final FoldMetrics metrics;

    EventConsumers(EventFolds folds, SessionOwners owners, DeadLetters deadLetters, Pool pool, FoldMetrics metrics) {
        this.folds = folds;
        this.metrics = metrics;
        this.owners = owners;
        this.deadLetters = deadLetters;
        this.pool = pool;
    }

    /** Every topic persistence-service folds; see application.properties for why one channel reads them all. */
    @Incoming("events")
    public Uni<Void> fold(ConsumerRecords<String, byte[]> records) {
        if (records.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<PendingFold> decoded = new ArrayList<>(records.count());
        List<Uni<Void>> setAside = new ArrayList<>();
        Map<TopicPartition, Long> positions = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            positions.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
            String type = typeOf(record);
            if (type != null && folds.passesOver(type)) {
                continue; // a chunk, a notify, a turn marker: most events, and none of them is kept
            }
            try {
                CapsuleEvent event = EventCodec.decode(record.value());
                folds.writeFor(event, record.offset()).ifPresent(w -> decoded.add(new PendingFold(record, event, w)));
            } catch (EventDecodingException e) {
                setAside.add(deadLetters.setAside(record, e.getMessage()));
            } catch (RuntimeException e) {
                LOG.errorf(e, "record %s-%d@%d cannot be folded", record.topic(), record.partition(), record.offset());
                setAside.add(deadLetters.setAside(record, "cannot be folded: " + e));
            }
        }
        List<Tuple> positionArgs = positions.entrySet().stream()
                .map(p -> Tuple.of(p.getKey().topic(), p.getKey().partition(), p.getValue())).toList();
        // Once: a retry of the database part below must not write the letters again.
        Uni<Void> deadLettered = Uni.join().all(setAside.isEmpty() ? List.of(Uni.createFrom().voidItem()) : setAside)
                .andCollectFailures().replaceWithVoid().memoize().indefinitely();
        // Once as well: whose messages may be folded is decided, and the others' set aside, a single time.
        Uni<List<PendingFold>> admitted = owners.admit(decoded).memoize().indefinitely();
        return deadLettered.chain(() -> admitted)
                .chain(pending -> pool.withTransaction(tx -> writeAll(tx, pending.stream().map(PendingFold::write).toList())
                        .chain(() -> tx.preparedQuery(POSITION).executeBatch(positionArgs)).replaceWithVoid())
                        .invoke(() -> metrics.committed(pending)))
                // PostgreSQL refused a value (a NUL in a text, say): retrying the batch would fail forever and hold
                // every topic back, so fold its records one by one and set aside the one refused.
                .onFailure(EventConsumers::refusedByDatabase).recoverWithUni(e -> {
                    LOG.warnf("PostgreSQL refused a write in a batch of %d records (%s); folding them one by one", records.count(), e.getMessage());
                    return admitted.chain(pending -> oneByOne(pending, positionArgs).invoke(() -> metrics.committed(pending)));
                })
                .onFailure().invoke(e -> LOG.warnf("folding %d records (%s) failed, retrying: %s", records.count(),
                        positions.keySet(), e.getMessage()))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).indefinitely();
    }

    private Uni<Void> oneByOne(List<PendingFold> pending, List<Tuple> positionArgs) {
        return Multi.createFrom().iterable(pending)
                .onItem().transformToUniAndConcatenate(p -> pool.withTransaction(tx -> tx.preparedQuery(p.write().sql())
                                .execute(p.write().args()).replaceWithVoid())
                        .onFailure(EventConsumers::refusedByDatabase).recoverWithUni(e -> deadLetters.setAside(p.record(),
                                "PostgreSQL refused it: " + e.getMessage())))
                .collect().last()
                .chain(() -> pool.withTransaction(tx -> tx.preparedQuery(POSITION).executeBatch(positionArgs)).replaceWithVoid());
    }

    /** A data or constraint error (SQLSTATE classes 22 and 23): the same write fails again however often it is tried. */
    private static boolean refusedByDatabase(Throwable e) {
        return e instanceof PgException pg && pg.getSqlState() != null
                && (pg.getSqlState().startsWith("22") || pg.getSqlState().startsWith("23"));
    }

    /** The event type its producer put in the record's header, or null (then the record is decoded to know). */
    private static String typeOf(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader(Topics.TYPE_HEADER);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Runs the writes as {@link SetWrites} groups them: a round trip per statement, two for most polls. */
    private static Uni<Void> writeAll(SqlClient sql, List<Write> writes) {
        return Multi.createFrom().iterable(SetWrites.of(writes))
                .onItem().transformToUniAndConcatenate(statement -> statement.args().size() == 1
                        ? sql.preparedQuery(statement.sql()).execute(statement.args().getFirst())
                        : sql.preparedQuery(statement.sql()).executeBatch(statement.args()))
                .collect().last().replaceWithVoid();
    }

}
