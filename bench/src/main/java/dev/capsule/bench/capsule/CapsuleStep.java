package dev.capsule.bench.capsule;

import dev.capsule.bench.Profile;
import dev.capsule.bench.Settings;
import dev.capsule.bench.load.Mix;
import dev.capsule.bench.load.OpenLoop;
import dev.capsule.bench.measure.Counts;
import dev.capsule.bench.measure.CpuSampler;
import dev.capsule.bench.measure.StepResult;
import dev.capsule.bench.measure.Summary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One step against the running stack: N sessions × M messages at one rate (in the bench mix, half
 * of the sessions on the HTTP API and half on chat sockets; in the plain workload, all on the JSON
 * API), then a drain for the last answers, then the checks. In the streams workload the "rate" is
 * C concurrent streams: C sessions on chat sockets each ask for one long stream, within a second,
 * and the step is judged by the gap between the streams' updates and by every stream arriving whole.
 * Session ids are new in every run and step, so that each session starts at turn 1 and its
 * replies can be checked by number.
 */
public final class CapsuleStep {

    /** Several conversations per socket, as a browser tab would carry them; few enough that no socket is a bottleneck. */
    private static final int SESSIONS_PER_SOCKET = 20;
    /**
     * At most this many chat sockets in a step. The bench is one user, and the gateway holds at most
     * {@code capsule.gateway.limits.sockets-per-user} sockets for one user (50 by default): the streams workload's step of
     * 2,000 streams, 100 sockets at 20 sessions each, had half its sockets closed (1008) and their streams counted lost.
     */
    static final int MAX_SOCKETS = 40;
    /** Persistence probes per second at most: enough for a distribution, few enough not to load the history path. */
    private static final int PROBES_PER_SECOND = 10;
    /** How long a step's closes may take to show in the read model before the next step starts anyway. */
    private static final Duration CLOSES_FOLDED_WITHIN = Duration.ofSeconds(60);

    private final Settings settings;
    private final Profile profile;
    private final GatewayConnections gateway;
    private final String runId;
    private final long seed;
    private final Mix mix;

    public CapsuleStep(Settings settings, Profile profile, GatewayConnections gateway, String runId, long seed, Mix mix) {
        this.settings = settings;
        this.profile = profile;
        this.gateway = gateway;
        this.runId = runId;
        this.seed = seed;
        this.mix = mix;
    }

    /** {@value #SESSIONS_PER_SOCKET} sessions to a socket, or more where that would take over {@value #MAX_SOCKETS} sockets. */
    static int sessionsPerSocket(int chatSessions) {
        return Math.max(SESSIONS_PER_SOCKET, (chatSessions + MAX_SOCKETS - 1) / MAX_SOCKETS);
    }

    public StepResult run(String stepId, int rate, Duration length) throws Exception {
        int count = (int) Math.max(1, rate * length.toMillis() / 1000);
        StepMetrics metrics = new StepMetrics();
        // About PROBES_PER_SECOND of the plain HTTP messages (35% of the mix, all of the plain workload) are followed into the history.
        int probeEvery = Math.max(1, (int) (rate * (mix == Mix.PLAIN ? 1.0 : 0.35) / PROBES_PER_SECOND));
        StepPlan planned = StepPlan.of("bench-" + runId + "-" + stepId, seed, count, profile.messagesPerSession(), mix, metrics,
                probeEvery);
        List<SessionLedger> ledgers = planned.ledgers();
        SentMessage[] messages = planned.messages();

        CpuSampler cpu = new CpuSampler(settings.runDir(), settings.clockTicks());
        List<SessionLedger> chatSessions = ledgers.stream().filter(s -> s.transport == Transport.WS).toList();
        StepResult result;
        try (PersistenceProbe probe = new PersistenceProbe(gateway, settings.token(), metrics);
             ChatDriver chat = ChatDriver.connect(gateway, settings.token(), chatSessions,
                     sessionsPerSocket(chatSessions.size()), metrics)) {
            HttpDriver http = new HttpDriver(gateway, settings.token(), metrics, probe);
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
            metrics.windowEndNanos = OpenLoop.end(start, rate, count);
            cpu.start();
            gateway.openLoop(start, rate, count, profile.drain(), (i, due) -> {
                SentMessage m = messages[i];
                m.due = due;
                if (m.session.transport.http()) {
                    http.submit(m);
                } else {
                    chat.submit(m);
                }
            });
            // The mix's CPU is the sending window's; the streams' is the whole step's, while they stream.
            Map<String, Double> cpuUse = mix == Mix.STREAMS ? null : cpu.stop();
            long drainDeadline = System.nanoTime() + profile.drain().toNanos();
            while (metrics.answered.get() < count && System.nanoTime() < drainDeadline) {
                Thread.sleep(20);
            }
            if (cpuUse == null) {
                cpuUse = cpu.stop();
            }
            result = judge(rate, count, start, ledgers, metrics, cpuUse, cpu.switchesPerSecond());
        }
        closeSessions(stepId, ledgers);
        return result;
    }

    /** Closes the step's sessions now, so that the idle sweep does not close them inside a later step (SessionCloser). */
    private void closeSessions(String stepId, List<SessionLedger> ledgers) throws InterruptedException {
        SessionCloser.Result closed = new SessionCloser(gateway, settings.token()).close(ledgers, CLOSES_FOLDED_WITHIN);
        if (closed.refused() > 0) {
            System.out.printf("  step %s: %d of its %d sessions were refused a close: the idle sweep closes them once idle for"
                    + " capsule.session.idle-timeout (30 minutes by default), maybe inside a later run%n", stepId, closed.refused(),
                    closed.asked());
        }
        if (!closed.folded()) {
            System.out.printf("  step %s: the closes of its %d sessions did not all show in the read model within %d s;"
                    + " the next step starts all the same%n", stepId, closed.asked(), CLOSES_FOLDED_WITHIN.toSeconds());
        }
    }

    private StepResult judge(int rate, int count, long start, List<SessionLedger> ledgers, StepMetrics metrics,
                             Map<String, Double> cpu, Map<String, Double> switches) throws InterruptedException {
        long drainEnd = System.nanoTime();
        long unanswered = 0, holes = 0;
        for (SessionLedger s : ledgers) {
            unanswered += s.recordUnanswered(drainEnd);
            holes += s.seqHoles();
            if (s.transport.http()) {
                s.misorderedTurns();
            }
        }
        Summary first = metrics.firstReply.summary();
        Summary gap = metrics.chunkGap.summary();
        // Past the ceiling, answers still missing are queued rather than proven lost ("late").
        boolean pastCeiling = !((mix == Mix.STREAMS ? gap : first).p99() <= profile.ceilingMillis());
        // Streams: whole when their end came with the text their chunks add up to, every word of it.
        long whole = ledgers.stream().mapToLong(SessionLedger::wholeStreams).sum();
        boolean broken = pastCeiling || mix == Mix.STREAMS && whole < count;

        List<SessionLedger> answered = ledgers.stream().filter(SessionLedger::allAnswered).toList();
        List<SessionLedger> sample = new ArrayList<>();
        int every = Math.max(1, answered.size() / Math.max(1, profile.historySessions()));
        for (int i = 0; i < answered.size() && sample.size() < profile.historySessions(); i += every) {
            sample.add(answered.get(i));
        }
        HistoryCheck.Result history = new HistoryCheck(gateway, settings.token())
                .check(sample, Duration.ofSeconds(15));

        Counts counts = new Counts(holes + (pastCeiling ? 0 : unanswered), metrics.duplicated.get(), metrics.outOfOrder.get(),
                pastCeiling ? unanswered : 0, metrics.failed.get(), metrics.errors.get(),
                history.missing(), history.doubled(), history.misordered());
        if (metrics.firstError.get() != null) {
            System.out.println("  first error of the step: " + metrics.firstError.get());
        }
        metrics.anomalies.forEach(a -> System.out.println("  " + a));
        Map<String, Summary> latencies = new LinkedHashMap<>();
        latencies.put("firstReply", first);
        latencies.put("firstReply.http", metrics.firstReplyHttp.summary());
        latencies.put("firstReply.ws", metrics.firstReplyWs.summary());
        latencies.put("firstReply.opening", metrics.firstReplyOpening.summary());
        latencies.put("firstReply.later", metrics.firstReplyLater.summary());
        latencies.put("turnEnd", metrics.turnEnd.summary());
        latencies.put("firstChunk", metrics.firstChunk.summary());
        latencies.put("chunkGap", gap);
        latencies.put("persistenceLag", metrics.persistenceLag.summary());
        // Streams: how many of the C arrived whole; otherwise answers per second while the open loop sent.
        double achieved = mix == Mix.STREAMS ? whole : metrics.answeredInWindow.get() / ((metrics.windowEndNanos - start) / 1e9);
        return new StepResult("capsule", rate, achieved, count, metrics.answered.get(), latencies, counts, cpu, switches, broken);
    }
}
