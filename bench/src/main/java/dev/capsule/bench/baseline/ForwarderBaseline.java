package dev.capsule.bench.baseline;

import dev.capsule.bench.Profile;
import dev.capsule.bench.Settings;
import dev.capsule.bench.load.OpenLoop;
import dev.capsule.bench.load.Planned;
import dev.capsule.bench.load.Workload;
import dev.capsule.bench.measure.Counts;
import dev.capsule.bench.measure.CpuSampler;
import dev.capsule.bench.measure.StepResult;
import dev.capsule.bench.measure.Summary;
import dev.capsule.events.EventCodec;
import dev.capsule.events.EventMeta;
import dev.capsule.events.InboundMessage;
import dev.capsule.events.TraceContext;
import dev.capsule.events.UserRef;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import redis.clients.jedis.Jedis;

/**
 * A baseline on the stack's own broker (and Redis): topics of its own, created for the run and
 * deleted after it; the same open-loop schedule and session keys as the Capsule steps; the same
 * message as Capsule's inbound event, so the bytes on the wire weigh the same.
 */
public final class ForwarderBaseline implements AutoCloseable {

    private final String name;
    private final Profile profile;
    private final Settings settings;
    private final long seed;
    private final Admin admin;
    private final List<String> topics;
    private final KafkaProducer<String, byte[]> producer;
    private final Forwarder forwarder;
    private final Collector collector;
    private final byte[] payload;
    private int steps;

    /** Baseline (a) without Redis, (b) with one GET and one SET per message. */
    public ForwarderBaseline(Settings settings, Profile profile, String runId, boolean withRedis, long seed) throws Exception {
        this.name = withRedis ? "baseline-b" : "baseline-a";
        this.profile = profile;
        this.settings = settings;
        this.seed = seed;
        String in = "bench." + runId + "." + name + ".in";
        String out = "bench." + runId + "." + name + ".out";
        this.topics = List.of(in, out);
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafka()));
        admin.createTopics(topics.stream().map(t -> new NewTopic(t, settings.partitions(), (short) 1)).toList())
                .all().get(60, TimeUnit.SECONDS);
        this.collector = new Collector(settings.kafka(), out);
        this.forwarder = new Forwarder(settings.kafka(), in, out,
                withRedis ? new Jedis("127.0.0.1", settings.redisPort()) : null, "bench:" + runId + ":");
        this.producer = Clients.producer(settings.kafka(), "bench-load");
        this.payload = EventCodec.encode(InboundMessage.of(EventMeta.next("bench-" + runId + "-0", TraceContext.NONE),
                new UserRef("bench-user", "bench-user@capsule.local", "bench-user"), "api", "hello 0.1", null));
    }

    public String name() {
        return name;
    }

    public StepResult step(int rate, Duration length) throws InterruptedException {
        int count = (int) Math.max(1, rate * length.toMillis() / 1000);
        List<Planned> plan = Workload.plan(seed, count, profile.messagesPerSession());
        int[] sessionOf = new int[count];
        String[] keys = new String[count];
        for (Planned p : plan) {
            sessionOf[p.slot()] = p.session();
            keys[p.slot()] = "s" + p.session();
        }
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        Tracker tracker = new Tracker(++steps, sessionOf, Workload.sessions(count, profile.messagesPerSession()),
                OpenLoop.end(start, rate, count));
        collector.track(tracker);
        byte[] stepHeader = Collector.intBytes(tracker.step);
        AtomicReference<String> firstError = new AtomicReference<>();
        String in = topics.getFirst();

        CpuSampler cpu = new CpuSampler(settings.runDir(), settings.clockTicks());
        cpu.start();
        OpenLoop.run(start, rate, count, (i, due) -> {
            tracker.sending(i, due);
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(in, keys[i], payload);
            record.headers().add(Collector.STEP_HEADER, stepHeader).add(Collector.INDEX_HEADER, Collector.intBytes(i));
            producer.send(record, (metadata, error) -> {
                if (error != null) {
                    tracker.errors.incrementAndGet();
                    firstError.compareAndSet(null, error.toString());
                }
            });
        });
        Map<String, Double> cpuUse = cpu.stop();
        long deadline = System.nanoTime() + profile.drain().toNanos();
        while (tracker.received.get() < count && System.nanoTime() < deadline && forwarder.failure() == null) {
            Thread.sleep(10);
        }
        if (forwarder.failure() != null) {
            firstError.compareAndSet(null, "the forwarder stopped: " + forwarder.failure());
        }
        if (firstError.get() != null) {
            System.out.println("  first error of the step: " + firstError.get());
        }
        long unanswered = tracker.recordUnanswered(System.nanoTime());
        Summary latency = tracker.latency.summary();
        boolean broken = !(latency.p99() <= profile.ceilingMillis());
        Counts counts = new Counts(broken ? 0 : unanswered, tracker.duplicated.get(), tracker.outOfOrder.get(),
                broken ? unanswered : 0, 0, tracker.errors.get() + (forwarder.failure() == null ? 0 : 1), 0, 0, 0);
        double achieved = tracker.receivedInWindow.get() / ((tracker.windowEnd - start) / 1e9);
        // In a forwarder the first reply is the only reply: the same figure serves both.
        return new StepResult(name, rate, achieved, count, tracker.received.get(),
                Map.of("firstReply", latency, "turnEnd", latency), counts, cpuUse, cpu.switchesPerSecond(), broken);
    }

    @Override
    public void close() throws Exception {
        collector.track(null);
        forwarder.close();
        collector.close();
        producer.close();
        try {
            admin.deleteTopics(topics).all().get(60, TimeUnit.SECONDS);
        } finally {
            admin.close();
        }
    }
}
