package dev.capsule.gateway.delivery;

import dev.capsule.events.EventDecodingException;
import dev.capsule.events.Topics;
import dev.capsule.kafka.KafkaConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.jboss.logging.Logger;

/**
 * Reads one session's recent outbound events back from Kafka, for a chat socket that resumes
 * after a drop: the events it missed may have passed before this replica started, or while the
 * page was on another one. Kafka, the log of record, has them all, in the session's one
 * partition, in seq order. See the package documentation for why this and not a buffer.
 *
 * <p>A replay reads from the time of the last event the page saw (less
 * {@link ResumeConfig#clockSkew()}), never further back than {@link ResumeConfig#maxLookBack()},
 * up to the partition's end as it is when the read begins; the caller follows the live feed before it starts, so that nothing falls between.
 */
@ApplicationScoped
public class OutboundReplay {

    private static final Logger LOG = Logger.getLogger(OutboundReplay.class);

    private final KafkaConnection kafka;
    private final Duration maxLookBack;
    private final Duration clockSkew;
    private final Duration timeout;
    private final Semaphore permits;
    private final Clock clock;

    OutboundReplay(KafkaConnection kafka, ResumeConfig config) {
        this.kafka = kafka;
        this.maxLookBack = config.maxLookBack();
        this.clockSkew = config.clockSkew();
        this.timeout = config.timeout();
        this.permits = new Semaphore(config.maxConcurrent(), true);
        this.clock = Clock.systemUTC();
    }

    /**
     * What a replay found: the session's events with a seq above the one asked for, in seq order,
     * and whether they are all of them. Not complete when the look-back was cut at
     * {@link ResumeConfig#maxLookBack()} (or by Kafka's retention) and the first event found is not the next seq:
     * the page then reloads the finished messages from the history.
     */
    public record Replay(List<OutboundFrame> events, boolean complete) {
    }

    /**
     * The events of {@code sessionId} after {@code afterSeq}, written since about {@code since}
     * (null: as far back as allowed). Blocking: call it from a worker thread.
     */
    public Replay after(String sessionId, long afterSeq, Instant since) {
        Instant earliest = clock.instant().minus(maxLookBack);
        Instant from = since == null ? earliest : since.minus(clockSkew);
        boolean cut = from.isBefore(earliest);
        if (cut) {
            from = earliest;
        }
        // One deadline for the whole replay, waiting for a permit included: the socket's next frames wait behind it.
        Instant deadline = clock.instant().plus(timeout);
        boolean acquired = false;
        try {
            acquired = permits.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!acquired) {
                throw new IllegalStateException("too many chat sockets resume at once; try again");
            }
            List<OutboundFrame> found = List.copyOf(read(sessionId, afterSeq, from, deadline).values());
            boolean complete = found.isEmpty() ? !cut : found.getFirst().seq() == afterSeq + 1;
            return new Replay(found, complete);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while replaying session " + sessionId, e);
        } finally {
            if (acquired) {
                permits.release();
            }
        }
    }

    /** The session's events after {@code afterSeq}, by seq. */
    private SortedMap<Long, OutboundFrame> read(String sessionId, long afterSeq, Instant from, Instant deadline) {
        SortedMap<Long, OutboundFrame> found = new TreeMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.with(Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10,
                // As the live feed: events of an aborted transaction (a turn cut by a crash) are never shown.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = partitionOf(consumer, sessionId, left(sessionId, deadline));
            consumer.assign(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), left(sessionId, deadline)).get(partition);
            OffsetAndTimestamp start = consumer.offsetsForTimes(Map.of(partition, from.toEpochMilli()),
                    left(sessionId, deadline)).get(partition);
            if (start == null || start.offset() >= end) {
                return found; // nothing written since then
            }
            consumer.seek(partition, start.offset());
            while (consumer.position(partition, left(sessionId, deadline)) < end) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() < end && sessionId.equals(record.key())) {
                        decode(record, afterSeq, found);
                    }
                }
            }
        }
        return found;
    }

    private static void decode(ConsumerRecord<String, byte[]> record, long afterSeq, SortedMap<Long, OutboundFrame> found) {
        try {
            OutboundFrame event = OutboundFrame.of(record);
            // A turn run again after a crash repeats seqs: keep the first of each, as the live feed does.
            if (event.seq() > afterSeq) {
                found.putIfAbsent(event.seq(), event);
            }
        } catch (EventDecodingException e) {
            LOG.errorf("replay skips unreadable outbound record %s-%d@%d: %s", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
        }
    }

    /** What is left of the replay's time, or an error once it is spent. */
    private Duration left(String sessionId, Instant deadline) {
        Duration left = Duration.between(clock.instant(), deadline);
        if (left.isNegative() || left.isZero()) {
            throw new IllegalStateException("replaying session " + sessionId + " took longer than " + timeout);
        }
        return left;
    }

    /** The partition the producers' default partitioner puts a record keyed {@code sessionId} in. */
    private TopicPartition partitionOf(KafkaConsumer<String, byte[]> consumer, String sessionId, Duration within) {
        List<PartitionInfo> partitions = consumer.partitionsFor(Topics.OUTBOUND, within);
        byte[] key = sessionId.getBytes(StandardCharsets.UTF_8);
        return new TopicPartition(Topics.OUTBOUND, Utils.toPositive(Utils.murmur2(key)) % partitions.size());
    }
}
