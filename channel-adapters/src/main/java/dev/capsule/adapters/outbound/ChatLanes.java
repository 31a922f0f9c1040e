package dev.capsule.adapters.outbound;

import dev.capsule.adapters.ChannelAdapters;
import dev.capsule.adapters.config.BoundChannel;
import dev.capsule.adapters.inbound.Conversations;
import dev.capsule.events.OutboundEvent;
import dev.capsule.kafka.LogContext;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

/**
 * One lane per session (one conversation in one chat): its events are delivered one at a
 * time, in order, on a virtual thread of its own, while other sessions' lanes run beside it.
 * A chat waiting on a rate limit, a retry or a provider that is down holds up only itself.
 * A lane lives while it has work and a short while after, then goes away.
 */
@ApplicationScoped
public class ChatLanes {

    private static final Logger LOG = Logger.getLogger(ChatLanes.class);
    private static final long LINGER = Duration.ofSeconds(2).toNanos();

    private final ConcurrentHashMap<String, Lane> lanes = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger busy = new AtomicInteger();
    private volatile boolean stopping;
    private final ChannelAdapters adapters;
    private final Deliverer deliverer;
    private final DeadLetters deadLetters;
    private final MeterRegistry metrics;
    private final DeliveryRecords records;

    ChatLanes(ChannelAdapters adapters, Deliverer deliverer, DeadLetters deadLetters, DeliveryRecords records,
              MeterRegistry metrics) {
        this.metrics = metrics;
        this.adapters = adapters;
        this.deliverer = deliverer;
        this.deadLetters = deadLetters;
        this.records = records;
    }

    /** One outbound record to deliver. */
    record Work(BoundChannel channel, OutboundEvent event, ConsumerRecord<String, byte[]> record, PartitionOffsets offsets) {
    }

    /**
     * On shutdown: starts no further delivery (queued records stay unsettled, so uncommitted, for
     * the next owner of their partition) and waits up to {@code grace} for the calls under way, so
     * that a rolling restart does not cut a send off mid-call and leave its outcome unknown.
     */
    void drain(Duration grace) {
        stopping = true;
        long deadline = System.nanoTime() + grace.toNanos();
        while (busy.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (busy.get() > 0) {
            LOG.warnf("%d deliveries still under way at shutdown; their outcome will be unknown to the next owner", busy.get());
        }
    }

    /** Records taken and not yet settled, over every lane. */
    public int inFlight() {
        return inFlight.get();
    }

    void submit(Work work) {
        inFlight.incrementAndGet();
        work.offsets().taken(work.record().offset());
        lanes.compute(work.event().sessionId(), (key, lane) -> {
            Lane l = lane == null ? new Lane(key) : lane;
            l.queue.add(work);
            if (!l.running) {
                l.running = true;
                Thread.ofVirtual().name("lane-" + key).start(l);
            }
            return l;
        });
    }

    private final class Lane implements Runnable {

        final String key;
        final LinkedBlockingQueue<Work> queue = new LinkedBlockingQueue<>();
        final Deliverer.Streams streams = new Deliverer.Streams();
        boolean running; // guarded by lanes.compute on this lane's key
        BoundChannel channel;
        Target target;

        Lane(String key) {
            this.key = key;
        }

        @Override
        public void run() {
            long idleSince = System.nanoTime();
            while (true) {
                Work work;
                try {
                    work = queue.poll(waitNanos(idleSince), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (work != null) {
                    process(work);
                    idleSince = System.nanoTime();
                    continue;
                }
                flushDue();
                if (System.nanoTime() - idleSince >= LINGER && streams.dirty().isEmpty() && leave()) {
                    return;
                }
            }
        }

        private long waitNanos(long idleSince) {
            long until = idleSince + LINGER;
            if (channel != null) {
                long interval = channel.streamEditInterval().toNanos();
                for (Deliverer.Stream s : streams.dirty()) {
                    until = Math.min(until, s.dueAt(interval));
                }
            }
            return Math.max(1, until - System.nanoTime());
        }

        /** Leaves when nothing was queued meanwhile; false when work arrived and the lane goes on. */
        private boolean leave() {
            boolean[] left = {false};
            lanes.computeIfPresent(key, (k, l) -> {
                if (l.queue.isEmpty()) {
                    l.running = false;
                    left[0] = true;
                    return null;
                }
                return l;
            });
            return left[0];
        }

        private void flushDue() {
            if (channel == null || target == null) {
                return;
            }
            long interval = channel.streamEditInterval().toNanos();
            for (Deliverer.Stream s : streams.dirty()) {
                if (System.nanoTime() >= s.dueAt(interval)) {
                    try {
                        deliverer.flush(channel, adapters.api(channel), target, s);
                    } catch (RuntimeException e) {
                        // The stream's end sets the whole text; a lost intermediate edit costs nothing more.
                        LOG.warnf("edit of stream %s in %s failed: %s", s.streamId, channel.name(), e.getMessage());
                    }
                }
            }
        }

        private void process(Work work) {
            boolean settled = false;
            busy.incrementAndGet();
            // This delivery's lines say which session, message (the one answered) and trace they are about.
            try (LogContext ids = LogContext.of(work.event().sessionId(), work.event().inReplyTo(), work.event().trace())) {
                Duration wait = Duration.ofMillis(200);
                // Left unsettled, a record is not committed: the partition's next owner (another replica,
                // or this one after a restart) delivers it.
                while (!stopping && !work.offsets().revoked()) {
                    try {
                        deliver(work);
                        counted(work, "delivered");
                        settled = true;
                        return;
                    } catch (DeliveryException e) {
                        deadLetters.send(work.record(), work.channel().name(), e.getMessage());
                        markDeadLettered(work, e);
                        counted(work, "dead_lettered");
                        settled = true;
                        return;
                    } catch (RuntimeException e) {
                        counted(work, "retried");
                        // Redis or Kafka unreachable: nothing is known to be sent; keep the order and try again.
                        LOG.errorf("delivering %s of session %s failed (%s); trying again in %d ms", work.event().type(),
                                key, e, wait.toMillis());
                        Thread.sleep(wait);
                        wait = wait.multipliedBy(2).compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10) : wait.multipliedBy(2);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                if (settled) {
                    work.offsets().settled(work.record().offset());
                }
                inFlight.decrementAndGet();
                busy.decrementAndGet();
            }
        }

        private void deliver(Work work) {
            channel = work.channel();
            Target t = Target.ofRoute(work.event().route());
            if (t == null) {
                t = Conversations.targetOfSession(channel, work.event().sessionId());
            }
            if (t == null) {
                throw DeliveryException.failed("no address: the event has no route and session id " + work.event().sessionId()
                        + " is not one of channel " + channel.name() + "'s");
            }
            target = t;
            deliverer.deliver(channel, adapters.api(channel), t, work.event(), streams);
        }

        /** {@code capsule_channel_deliveries_total} by channel and outcome: delivered, dead_lettered, retried. */
        private void counted(Work work, String outcome) {
            metrics.counter("capsule.channel.deliveries", "channel", work.channel().name(), "outcome", outcome).increment();
        }

        private void markDeadLettered(Work work, DeliveryException e) {
            try {
                records.markDone(work.event().eventId(), "dead-lettered: " + e.getMessage());
            } catch (RuntimeException failed) {
                // The attempt mark alone keeps a redelivery from sending it (it would be dead-lettered again instead).
                LOG.warnf("event %s is dead-lettered but not marked done (%s); a redelivery dead-letters it again",
                        work.event().eventId(), failed.toString());
            }
        }
    }
}
