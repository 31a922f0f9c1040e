package dev.capsule.bench.capsule;

import dev.capsule.bench.load.Mix;
import dev.capsule.bench.load.OpenLoop;
import dev.capsule.bench.measure.JitShare;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How much CPU the load generator itself spends per message, so that the bench can say it measures
 * the stack and not itself (issue 12: at most {@value #TARGET_MICROS} µs at {@value #RATE} msg/s).
 * The plain workload's drivers send at that rate to a {@link StandInGateway} in a process of their
 * own, which answers at once with nothing behind it; the bench's process CPU over the measured
 * window, divided by the messages answered in it, is the generator's cost per message.
 *
 * <p>The bench runs C2, so it first sends rounds at the rate until its own JIT compilers took under
 * {@value JitShare#SETTLED_PERCENT}% of its CPU in a round: the figure is the generator's cost once its
 * code is compiled, as in Capsule's measured steps, which come after their warm-up. In the runs of
 * 2026-11-30 it took three rounds of 3 s run alone ({@code --only generator}), and two or three after
 * Capsule's steps.
 */
public final class GeneratorCheck {

    public static final int RATE = 5000;
    public static final double TARGET_MICROS = 100;
    private static final int MESSAGES_PER_SESSION = 10;

    /**
     * The generator's own CPU per message answered at {@code rate}, and the rate it reached; how long it warmed up
     * first, and the share of its CPU its JIT compilers took in the last warm-up round and in the measured window.
     */
    public record Result(int rate, double achieved, long answered, double microsPerMessage, long errors, String firstError,
                         Duration warmedUp, int lastWarmupJitPercent, int measuredJitPercent) {
    }

    /** How a warm-up goes: rounds of {@code round} at the rate, until the JIT settles or {@code atMost} has passed. */
    public record Warmup(Duration round, Duration atMost) {
    }

    private GeneratorCheck() {
    }

    /** Warms the drivers up as {@code warmup} says, then measures {@code length} at {@code rate}. */
    public static Result run(int rate, Warmup warmup, Duration length) throws Exception {
        Process standIn = startStandIn();
        try (GatewayConnections gateway = new GatewayConnections(portOf(standIn))) {
            JitShare jit = JitShare.ofThisProcess();
            Duration warmed = Duration.ZERO;
            int jitPercent;
            do {
                jit.start();
                send(gateway, "warm-" + warmed.toMillis(), rate, warmup.round());
                warmed = warmed.plus(warmup.round());
                jitPercent = jit.percent();
            } while (jitPercent >= JitShare.SETTLED_PERCENT && warmed.compareTo(warmup.atMost()) < 0);
            jit.start();
            Sent measured = send(gateway, "measured", rate, length);
            return new Result(rate, measured.achieved(), measured.answered(), measured.microsPerMessage(), measured.errors(),
                    measured.firstError(), warmed, jitPercent, jit.percent());
        } finally {
            standIn.destroy();
            if (!standIn.waitFor(10, TimeUnit.SECONDS)) {
                standIn.destroyForcibly();
            }
        }
    }

    /** What one round of sends measured: the rate reached, the answers, and the bench's CPU per answer. */
    private record Sent(double achieved, long answered, double microsPerMessage, long errors, String firstError) {
    }

    private static Sent send(GatewayConnections gateway, String stepId, int rate, Duration length) throws Exception {
        int count = (int) (rate * length.toMillis() / 1000);
        StepMetrics metrics = new StepMetrics();
        SentMessage[] messages = StepPlan.of("generator-" + stepId, 7, count, MESSAGES_PER_SESSION, Mix.PLAIN, metrics, 0).messages();
        try (PersistenceProbe noProbes = new PersistenceProbe(gateway, "stand-in", metrics)) {
            HttpDriver http = new HttpDriver(gateway, "stand-in", metrics, noProbes);
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
            metrics.windowEndNanos = OpenLoop.end(start, rate, count);
            Duration cpuBefore = ownCpu();
            gateway.openLoop(start, rate, count, Duration.ofSeconds(10), (i, due) -> {
                messages[i].due = due;
                http.submit(messages[i]);
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (metrics.answered.get() < count && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            double cpuMicros = ownCpu().minus(cpuBefore).toNanos() / 1e3;
            long answered = metrics.answered.get();
            double achieved = metrics.answeredInWindow.get() / ((metrics.windowEndNanos - start) / 1e9);
            return new Sent(achieved, answered, answered == 0 ? Double.NaN : cpuMicros / answered, metrics.errors.get(),
                    metrics.firstError.get());
        }
    }

    private static Duration ownCpu() {
        return ProcessHandle.current().info().totalCpuDuration()
                .orElseThrow(() -> new IllegalStateException("this platform does not report a process's CPU time"));
    }

    /**
     * The stand-in runs on this JVM's binary and class path, on one event loop; C1 only, since its own CPU is not what is
     * measured and its compiles would only take the bench's core.
     */
    private static Process startStandIn() throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("cannot tell which java runs the bench"));
        return new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
                "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"),
                StandInGateway.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static int portOf(Process standIn) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(standIn.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.strip().matches("\\d+")) {
            throw new IllegalStateException("the stand-in gateway did not start (it printed " + line + " instead of its port)");
        }
        return Integer.parseInt(line.strip());
    }
}
