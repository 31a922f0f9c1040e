package dev.capsule.adapters.outbound;

import dev.capsule.adapters.config.BoundChannel;
import dev.capsule.adapters.config.BoundChannels;
import dev.capsule.adapters.config.DeliveryConfig;
import dev.capsule.events.EventCodec;
import dev.capsule.events.EventDecodingException;
import dev.capsule.events.OutboundEvent;
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
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Reads {@code capsule.outbound.channels} (the named channels' events: none of the web traffic,
 * which session-service sends to {@code capsule.outbound}) in the consumer group {@code channel-adapters}, so replicas
 * share the partitions, and hands each event of a bound channel to its session's lane.
 * Offsets are committed only up to the oldest record not yet settled (delivered or
 * dead-lettered): a replica that dies leaves its unsettled records to be read again, and
 * {@link DeliveryRecords} keeps what was already sent from being sent twice.
 *
 * <p>Records of channels this service does not bind are passed over by their key alone: the
 * session ids of a named channel start with {@code <type>:<name>:}, so nothing else is decoded.
 */
@ApplicationScoped
public class OutboundConsumer {

    private static final Logger LOG = Logger.getLogger(OutboundConsumer.class);
    static final long COMMIT_EVERY_MS = 1000;

    private final BoundChannels channels;
    private final ChatLanes lanes;
    private final DeadLetters deadLetters;
    private final DeliveryConfig config;
    private final KafkaConnection kafka;
    private final String group;
    private final Map<TopicPartition, PartitionOffsets> assigned = new ConcurrentHashMap<>();
    private volatile boolean running = true;
    private volatile long lastPoll;
    private long lastCommit; // the poll thread's own
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    private final MeterRegistry metrics;

    OutboundConsumer(BoundChannels channels, ChatLanes lanes, DeadLetters deadLetters, DeliveryConfig config,
                     KafkaConnection kafka, MeterRegistry metrics) {
        this.metrics = metrics;
        this.channels = channels;
        this.lanes = lanes;
        this.deadLetters = deadLetters;
        this.config = config;
        this.kafka = kafka;
        this.group = config.group();
    }

    void start(@Observes StartupEvent ignored) {
        if (channels.all().isEmpty()) {
            LOG.info("no named channels bound (capsule.channels.<name>.type): nothing to deliver");
            return;
        }
        thread = Thread.ofPlatform().name("outbound-delivery").daemon().start(this::loop);
    }

    /** Whether the consumer polled the broker lately (or there is nothing to consume). */
    public boolean healthy() {
        return thread == null || System.currentTimeMillis() - lastPoll < 30_000;
    }

    private void loop() {
        while (running) {
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(kafka.with(Map.of(
                    ConsumerConfig.GROUP_ID_CONFIG, group,
                    // Named, so that its lag and fetch metrics say whose they are (docs/operations.md).
                    ConsumerConfig.CLIENT_ID_CONFIG, "channel-adapters-delivery",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                    // A new group starts at the beginning: nothing produced before its first start is lost;
                    // delivery records (kept longer than the topic's retention) keep old events from going out twice.
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    // Committed events only: an aborted turn's events never reach a user.
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName(),
                    ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000,
                    ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000)),
                    new StringDeserializer(), new ByteArrayDeserializer());
                 KafkaClientMetrics metered = ClientMetrics.bind(c, metrics)) {
                consumer = c;
                c.subscribe(List.of(Topics.OUTBOUND_CHANNELS), new Rebalance(c));
                try {
                    while (running) {
                        for (ConsumerRecord<String, byte[]> record : c.poll(Duration.ofMillis(200))) {
                            take(record);
                        }
                        lastPoll = System.currentTimeMillis();
                        if (lastPoll - lastCommit >= COMMIT_EVERY_MS) {
                            commit(c);
                        }
                        pace(c);
                    }
                } catch (WakeupException e) {
                    // shutting down
                }
                // Let the sends under way finish, then commit what they settled, before leaving the group.
                lanes.drain(Duration.ofSeconds(15));
                commit(c);
            } catch (RuntimeException e) {
                LOG.errorf(e, "outbound delivery consumer failed; reconnecting in 1 s (unsettled records are read again)");
                assigned.values().forEach(PartitionOffsets::revoke);
                assigned.clear();
                pause();
            }
        }
    }

    private void take(ConsumerRecord<String, byte[]> record) {
        PartitionOffsets offsets = assigned.get(new TopicPartition(record.topic(), record.partition()));
        if (offsets == null) {
            return;
        }
        Optional<BoundChannel> channel = channelOfKey(record.key());
        if (channel.isEmpty()) {
            offsets.skipped(record.offset());
            return;
        }
        OutboundEvent event;
        try {
            event = EventCodec.decode(record.value(), OutboundEvent.class);
        } catch (EventDecodingException e) {
            // A reply its user will never get (a newer schema, a broken producer): kept with the reason, not dropped.
            deadLetters.send(record, channel.get().name(), "unreadable outbound event: " + e.getMessage());
            offsets.skipped(record.offset());
            return;
        }
        Optional<BoundChannel> bound = channels.get(event.channel());
        if (bound.isEmpty()) {
            offsets.skipped(record.offset());
            return;
        }
        lanes.submit(new ChatLanes.Work(bound.get(), event, record, offsets));
    }

    private Optional<BoundChannel> channelOfKey(String key) {
        if (key == null) {
            return Optional.empty();
        }
        return channels.all().stream().filter(c -> key.startsWith(c.idPrefix())).findFirst();
    }

    /**
     * Commits how far every assigned partition is settled. From the poll loop at most once per
     * {@link #COMMIT_EVERY_MS}: a commit is a broker round trip, and what a crash leaves
     * uncommitted is only read again (delivered events are known by their done marks, skipped
     * ones skipped again). Always on a rebalance and at shutdown.
     */
    private void commit(KafkaConsumer<String, byte[]> c) {
        lastCommit = System.currentTimeMillis();
        Map<TopicPartition, OffsetAndMetadata> due = new HashMap<>();
        assigned.forEach((tp, offsets) -> {
            long next = offsets.commitNow();
            if (next >= 0) {
                due.put(tp, new OffsetAndMetadata(next));
            }
        });
        if (due.isEmpty()) {
            return;
        }
        c.commitSync(due);
        due.forEach((tp, o) -> {
            PartitionOffsets offsets = assigned.get(tp);
            if (offsets != null) {
                offsets.committed(o.offset());
            }
        });
    }

    /** Stops fetching while too many records wait in lanes, so memory stays bounded under a provider outage. */
    private void pace(KafkaConsumer<String, byte[]> c) {
        int inFlight = lanes.inFlight();
        if (inFlight >= config.maxInFlight() && c.paused().isEmpty()) {
            LOG.warnf("%d outbound events wait for delivery; pausing intake", inFlight);
            c.pause(c.assignment());
        } else if (inFlight < config.maxInFlight() / 2 && !c.paused().isEmpty()) {
            c.resume(c.paused());
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
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(20));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Commits what is settled before a partition moves, and leaves its queued records to the new owner. */
    private final class Rebalance implements ConsumerRebalanceListener {

        private final KafkaConsumer<String, byte[]> c;

        Rebalance(KafkaConsumer<String, byte[]> c) {
            this.c = c;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            try {
                commit(c);
            } catch (RuntimeException e) {
                LOG.warnf("commit before rebalance failed (%s); the new owner reads those records again", e.getMessage());
            }
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        private void forget(Collection<TopicPartition> partitions) {
            partitions.forEach(tp -> {
                PartitionOffsets offsets = assigned.remove(tp);
                if (offsets != null) {
                    offsets.revoke();
                }
            });
            if (!partitions.isEmpty()) {
                LOG.infof("no longer delivering outbound events of %s", partitions);
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            partitions.forEach(tp -> assigned.put(tp, new PartitionOffsets()));
            LOG.infof("delivering outbound events of %s", partitions);
        }
    }
}
