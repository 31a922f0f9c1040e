package dev.capsule.bench;

import dev.capsule.bench.baseline.ForwarderBaseline;
import dev.capsule.bench.capsule.CapsuleStep;
import dev.capsule.bench.capsule.GatewayConnections;
import dev.capsule.bench.capsule.GeneratorCheck;
import dev.capsule.bench.load.Mix;
import dev.capsule.bench.measure.CpuSampler;
import dev.capsule.bench.measure.JitShare;
import dev.capsule.bench.measure.Machine;
import dev.capsule.bench.measure.StepResult;
import dev.capsule.bench.profile.CpuProfiler;
import dev.capsule.bench.profile.WhereTimeGoes;
import dev.capsule.bench.report.ConsoleReport;
import dev.capsule.bench.report.Report;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One run: the two baselines on the stack's broker and Redis, then Capsule itself, each up its
 * ladder of rates until a step's p99 breaks the ceiling. The baselines go first, so that Capsule
 * is measured on the same warm broker they leave behind, and nothing else loads it meanwhile.
 * Last, the load generator's own cost against a stand-in gateway ({@link GeneratorCheck}). The
 * streams workload runs Capsule alone, up a ladder of concurrent streams.
 */
final class BenchRun {

    private final Settings settings;
    private final Profile profile;
    private final long seed;
    private final String runId;
    private final Set<String> only;
    private final Mix mix;
    private final ConsoleReport console;
    private final CpuProfiler profiler;
    private final List<WhereTimeGoes> whereTimeGoes = new ArrayList<>();

    /**
     * {@code only}: which of baseline-a, baseline-b and capsule to run (all three for a report that compares);
     * {@code mix}: what Capsule's steps send (the bench mix, plain request and response, or long streams);
     * {@code profiler}: samples the stack's JVMs during Capsule's measured steps, or null for no profile.
     */
    BenchRun(Settings settings, Profile profile, long seed, String runId, Set<String> only, Mix mix, ConsoleReport console,
             CpuProfiler profiler) {
        this.mix = mix;
        this.settings = settings;
        this.profile = profile;
        this.seed = seed;
        this.runId = runId;
        this.only = only;
        this.console = console;
        this.profiler = profiler;
    }

    Report run() throws Exception {
        Machine machine = Machine.current();
        boolean streams = mix == Mix.STREAMS;
        if (streams && (only.contains("baseline-a") || only.contains("baseline-b"))) {
            // The baselines forward one message and its answer; they have no stream to compare with.
            System.out.println("The baselines do not stream: the streams workload runs Capsule only.");
            System.out.println();
        }
        console.header(streams);
        List<StepResult> a = !streams && only.contains("baseline-a") ? baseline(false) : List.of();
        List<StepResult> b = !streams && only.contains("baseline-b") ? baseline(true) : List.of();
        List<StepResult> warmup = new ArrayList<>();
        List<StepResult> capsule = only.contains("capsule") ? capsule(warmup) : List.of();
        // Last: the stack's compiles, which the warm-up before Capsule's steps starts, would take its CPU earlier.
        GeneratorCheck.Result generator = !streams && only.contains("generator") ? generator() : null;
        String workload = streams
                ? String.format("%s workload: %s; drain %ds, seed %d", mix.id(), mix.description(), profile.drain().toSeconds(), seed)
                : String.format("%s workload: N sessions × %d messages per step (N = rate × %ds / %d), seed %d; %s",
                        mix.id(), profile.messagesPerSession(), profile.step().toSeconds(), profile.messagesPerSession(), seed,
                        mix.description());
        return Report.of(runId, profile.name(), seed, machine, mix, workload, a, b, capsule, warmup, whereTimeGoes,
                settings.firstMessageMillis(), generator);
    }

    /** The load generator's own CPU per message, against a stand-in gateway: what the bench costs, apart from the stack. */
    private GeneratorCheck.Result generator() throws Exception {
        System.out.println();
        System.out.printf("Load generator check: the plain workload's drivers at %,d msg/s against a stand-in gateway in a process of its own%n",
                GeneratorCheck.RATE);
        GeneratorCheck.Result r = GeneratorCheck.run(GeneratorCheck.RATE,
                new GeneratorCheck.Warmup(Duration.ofSeconds(3), Duration.ofSeconds(30)), Duration.ofSeconds(4));
        System.out.printf("  warmed up for %d s (its JIT compilers took %d%% of the bench's CPU in the last round, %d%% while measured)%n",
                r.warmedUp().toSeconds(), r.lastWarmupJitPercent(), r.measuredJitPercent());
        System.out.printf("  %.0f µs of the bench's CPU per message answered; %,.0f msg/s reached, %,d answered, %d errors%n",
                r.microsPerMessage(), r.achieved(), r.answered(), r.errors());
        if (r.firstError() != null) {
            System.out.println("  first error: " + r.firstError());
        }
        System.out.println();
        return r;
    }

    private List<StepResult> baseline(boolean withRedis) throws Exception {
        List<StepResult> steps = new ArrayList<>();
        try (ForwarderBaseline baseline = new ForwarderBaseline(settings, profile, runId, withRedis, seed)) {
            // Discarded: the clients' and the broker's code paths warm up on it.
            console.step("(warm-up)", baseline.step(1000, profile.baselineStep()));
            for (int rate : profile.baselineRates()) {
                StepResult step = baseline.step(rate, profile.baselineStep());
                console.step(baseline.name(), step);
                steps.add(step);
                if (step.broken()) {
                    break;
                }
            }
        }
        return steps;
    }

    /** True, having said why, when a service is no longer ready: later steps would measure only that. */
    private boolean stopped(StackHealth health) {
        List<String> down = health.notReady();
        if (down.isEmpty()) {
            return false;
        }
        System.out.println("  not ready: " + String.join("; ", down));
        System.out.println("  the ladder stops here; see ./capsule logs <name>, and restart the stack before another run");
        return true;
    }

    /**
     * Goes on warming up with the mix at {@link Profile#compileRate} until the JIT compilers take under a tenth of the
     * stack's CPU in two steps in a row ({@link JitShare}), and the bench's own under a tenth of its CPU, for up to forty
     * warm-up steps' time: C2 compiles the hot paths over tens of thousands of messages, and a busy stack's paths (polls
     * of many records, queued turns) only under load, so a warm-up at low rates that stops at one quiet step left
     * compiles to the measured steps. The bench runs C2 too: with its compiles left to the measured steps, it took 9-17%
     * of a core at 50-250 msg/s of the plain workload, against 2-8% on C1 and 2-6% once they were waited for.
     */
    private void compiled(CapsuleStep step, List<StepResult> warmup) throws Exception {
        JitShare jit = JitShare.of(settings.runDir());
        JitShare own = JitShare.ofThisProcess();
        int rate = profile.compileRate();
        long deadline = System.nanoTime() + profile.warmup().multipliedBy(40).toNanos();
        int share = 100;
        int ownShare = 100;
        int quiet = 0;
        for (int round = 1; (quiet < 2 || ownShare >= JitShare.SETTLED_PERCENT) && System.nanoTime() < deadline; round++) {
            jit.start();
            own.start();
            StepResult result = step.run("wc" + round, rate, profile.warmup());
            share = jit.percent();
            ownShare = own.percent();
            quiet = share < JitShare.SETTLED_PERCENT ? quiet + 1 : 0;
            console.step("(warm-up)", result);
            warmup.add(result);
            System.out.printf("  the JIT compilers took %d%% of the stack's CPU in that step (the bench's own: %d%% of its CPU)%n",
                    share, ownShare);
        }
        if (quiet < 2 || ownShare >= JitShare.SETTLED_PERCENT) {
            System.out.printf("  warm-up stopped at its budget with the JIT still at %d%% (the bench's own at %d%%):"
                    + " the first steps pay for compiles%n", share, ownShare);
        }
    }

    private List<StepResult> capsule(List<StepResult> warmup) throws Exception {
        List<StepResult> steps = new ArrayList<>();
        // The JDK's client for the readiness checks between steps, a few blocking calls; the steps' own traffic goes over the gateway connections.
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
             GatewayConnections gateway = new GatewayConnections(settings.gatewayPort())) {
            CapsuleStep step = new CapsuleStep(settings, profile, gateway, runId, seed, mix);
            StackHealth health = new StackHealth(client, settings.servicePorts());
            if (stopped(health)) {
                return steps;
            }
            // Discarded: the services' JIT, pools and connections warm up on these.
            for (int rate : profile.warmupRates()) {
                StepResult result = step.run("w" + rate, rate, profile.warmup());
                console.step("(warm-up)", result);
                warmup.add(result);
            }
            if (mix != Mix.STREAMS && profile.compileRate() > 0) {
                compiled(step, warmup);
            }
            if (profiler != null) {
                profiler.start(CpuSampler.pidsOf(settings.runDir()));
            }
            try {
                for (int rate : profile.capsuleRates()) {
                    if (stopped(health)) {
                        break;
                    }
                    StepResult result = step.run("r" + rate, rate, profile.step());
                    console.step("capsule", result);
                    steps.add(result);
                    if (result.broken()) {
                        break;
                    }
                }
            } finally {
                if (profiler != null) {
                    profiler.stop().forEach((service, stacks) -> whereTimeGoes.add(WhereTimeGoes.of(service, stacks,
                            stacks.resolveSibling(stacks.getFileName().toString().replace(".collapsed", ".html")))));
                }
            }
            stopped(health);
        }
        return steps;
    }
}
