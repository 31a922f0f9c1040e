package dev.capsule.gateway.delivery;

import dev.capsule.events.EventDecodingException;
import dev.capsule.events.Topics;
import dev.capsule.kafka.ClientMetrics;
import dev.capsule.kafka.KafkaConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Reads every partition of the outbound topic from its end, without a consumer group, and
 * hands each event to {@link Deliveries} as an {@link OutboundFrame}: its bytes, not decoded. No group because every replica needs every event
 * (it cannot know in advance which replica a user's request lands on); from the end because
 * a replica serves only requests and sockets opened after it started. The replica is ready
 * only once the feed has its positions, so no reply to a request it accepted can be missed.
 *
 * <p>Partitions added to the topic while the replica runs are taken up from their beginning, within
 * {@code capsule.gateway.outbound-feed.partition-refresh}: producers write to them as soon as their own
 * metadata shows them (a session's key may now land there), so by the time the feed notices, a new
 * partition may already hold replies that requests and sockets here are waiting for; from its end they
 * would be lost. Everything in it is younger than the partition, so its beginning is at most a refresh
 * period of events back.
 */
@ApplicationScoped
public class OutboundFeed {

    private static final Logger LOG = Logger.getLogger(OutboundFeed.class);

    private final Deliveries deliveries;
    private final KafkaConnection kafka;
    private final AtomicBoolean positioned = new AtomicBoolean();
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;
    private final MeterRegistry metrics;
    private final Duration partitionRefresh;
    /** How often the poll loop looks at the metadata for new partitions. */
    private static final long PARTITION_LOOK_NANOS = Duration.ofSeconds(1).toNanos();
    private long nextPartitionLook; // the poll thread's own

    OutboundFeed(Deliveries deliveries, KafkaConnection kafka, MeterRegistry metrics, OutboundFeedConfig config) {
        this.deliveries = deliveries;
        this.kafka = kafka;
        this.metrics = metrics;
        this.partitionRefresh = config.partitionRefresh();
    }

    void start(@Observes StartupEvent ignored) {
        thread = Thread.ofPlatform().name("outbound-feed").daemon().start(this::loop);
    }

    public boolean isPositioned() {
        return positioned.get();
    }

    private void loop() {
        while (running) {
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(kafka.with(Map.of(
                    // Named, so that its lag and fetch metrics say whose they are (docs/operations.md).
                    ConsumerConfig.CLIENT_ID_CONFIG, "gateway-outbound-feed",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                    // No short fetch wait: the broker answers a waiting fetch as soon as any record
                    // arrives, so a long wait costs no latency, while a 10 ms one had the broker
                    // answer a hundred empty fetches a second per replica at idle.
                    // Committed events only, so that events of an aborted Kafka transaction are never shown.
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    // The consumer refreshes the topic's metadata this often; takeUpNewPartitions reads it.
                    ConsumerConfig.METADATA_MAX_AGE_CONFIG, partitionRefresh.toMillis())),
                    new StringDeserializer(), new ByteArrayDeserializer());
                 KafkaClientMetrics metered = ClientMetrics.bind(c, metrics)) {
                consumer = c;
                List<TopicPartition> partitions = c.partitionsFor(Topics.OUTBOUND, Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                c.assign(partitions);
                c.seekToEnd(partitions);
                partitions.forEach(c::position);
                positioned.set(true);
                LOG.infof("outbound feed reads %d partitions of %s", partitions.size(), Topics.OUTBOUND);
                while (running) {
                    for (ConsumerRecord<String, byte[]> record : c.poll(Duration.ofMillis(500))) {
                        deliver(record);
                    }
                    if (System.nanoTime() >= nextPartitionLook) {
                        // Not after every poll: under load a poll returns at each chunk, and the metadata changes only
                        // once a refresh period.
                        nextPartitionLook = System.nanoTime() + PARTITION_LOOK_NANOS;
                        takeUpNewPartitions(c);
                    }
                }
            } catch (WakeupException e) {
                // shutting down
            } catch (RuntimeException e) {
                positioned.set(false);
                LOG.errorf(e, "outbound feed failed; reconnecting in 1 s (replies to this replica wait meanwhile)");
                pause();
            }
        }
    }

    /**
     * Adds the partitions the consumer's metadata shows beyond those it reads, from their beginning (see the
     * class comment). On the poll thread, as the consumer requires; a look at metadata the consumer already
     * holds, done once a second. A topic's partitions are only ever added, so a count that has
     * not grown means nothing changed.
     */
    private void takeUpNewPartitions(KafkaConsumer<String, byte[]> c) {
        List<PartitionInfo> now;
        try {
            now = c.partitionsFor(Topics.OUTBOUND, Duration.ZERO);
        } catch (TimeoutException e) {
            return; // the topic is missing from the metadata for now: the next poll looks again
        }
        Set<TopicPartition> assigned = c.assignment();
        if (now.size() <= assigned.size()) {
            return;
        }
        List<TopicPartition> added = now.stream().map(p -> new TopicPartition(p.topic(), p.partition()))
                .filter(p -> !assigned.contains(p)).toList();
        Set<TopicPartition> all = new HashSet<>(assigned);
        all.addAll(added);
        c.assign(all); // the partitions already read keep their positions
        c.seekToBeginning(added);
        LOG.infof("outbound feed reads %d new partitions of %s from their beginning: %s (now %d)", added.size(),
                Topics.OUTBOUND, added.stream().map(TopicPartition::partition).sorted().toList(), all.size());
    }

    private void deliver(ConsumerRecord<String, byte[]> record) {
        // Every replica reads every session's events; taking up only those of sessions served
        // here keeps a replica's cost from growing with the number of replicas.
        if (record.key() != null && !deliveries.wants(record.key())) {
            return;
        }
        try {
            deliveries.dispatch(OutboundFrame.of(record));
        } catch (EventDecodingException e) {
            LOG.errorf("skipping unreadable outbound record %s-%d@%d: %s", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.errorf(e, "delivering outbound record %s-%d@%d failed", record.topic(), record.partition(), record.offset());
        }
    }

    private void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    void stop(@Observes ShutdownEvent ignored) {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }
}
