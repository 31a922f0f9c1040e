package dev.capsule.bench.report;

import dev.capsule.bench.measure.Counts;
import dev.capsule.bench.measure.StepResult;
import dev.capsule.bench.measure.Summary;
import dev.capsule.bench.profile.WhereTimeGoes;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The table a person reads at the end of ./capsule bench; step rows are printed as each step ends. */
public final class ConsoleReport {

    /** The load generator's own row in a step's CPU, which the stack's figure leaves out. */
    static final String BENCH = "bench";

    private final PrintStream out;

    public ConsoleReport(PrintStream out) {
        this.out = out;
    }

    public void header() {
        header(false);
    }

    /**
     * The table's head; {@code streams}: the streams workload's, whose steps offer concurrent streams
     * (each a long /stream) and count the streams that arrived whole, and are judged by the gap p99.
     */
    public void header(boolean streams) {
        out.printf("%-11s %8s %9s %7s %7s %8s %8s %8s %8s %8s %9s   %s%n", "system", "offered", "achieved",
                "p50", "p99", "p99.9", "end p99", "chunk1", "gap p99", "persist", "http/ws", "lost dup ooo late fail err");
        out.printf("%-11s %8s %9s %7s %7s %8s %8s %8s %8s %8s %9s%n", "", streams ? "streams" : "msg/s",
                streams ? "whole" : "msg/s", "ms", "ms", "ms", "ms", "p99 ms", "ms", "p99 ms", "p99 ms");
        if (streams) {
            out.println("(p50, p99, p99.9: the turn's first event, a new session's welcome; chunk1: the stream's first chunk;"
                    + " a step breaks at gap p99 > 100 ms or any stream not whole)");
        }
    }

    public void step(String label, StepResult s) {
        Summary f = s.firstReply();
        Counts c = s.counts();
        out.printf("%-11s %8d %9.0f %7s %7s %8s %8s %8s %8s %8s %9s   %d %d %d %d %d %d%s%n", label, s.offered(), s.achieved(),
                ms(f.p50()), ms(f.p99()), ms(f.p999()), ms(p99(s, "turnEnd")), ms(p99(s, "firstChunk")),
                ms(p99(s, "chunkGap")), ms(p99(s, "persistenceLag")),
                s.latencies().containsKey("firstReply.http")
                        ? ms(p99(s, "firstReply.http")) + "/" + ms(p99(s, "firstReply.ws")) : "-",
                c.lostAll(), c.duplicatedAll(), c.outOfOrderAll(), c.late(), c.failed(), c.errors(),
                s.broken() ? "   ← past the ceiling" : "");
        out.flush();
    }

    public void summary(Report r) {
        out.println();
        if (r.streams()) {
            out.println("CPU during each Capsule step (from the first send to the last stream's end), % of one core"
                    + " (200 = both cores), and per stream, in CPU µs per second of streaming:");
        } else {
            out.println("CPU during each Capsule step, % of one core (200 = both cores), and per message answered:");
        }
        TreeSet<String> names = new TreeSet<>();
        r.capsule().forEach(s -> names.addAll(s.cpu().keySet()));
        out.printf("  %8s", r.streams() ? "streams" : "msg/s");
        names.forEach(n -> out.printf(" %12s", shortName(n)));
        out.printf(" %8s %14s %14s%n", "total", r.streams() ? "stack µs/s/str" : "stack µs/msg",
                r.streams() ? "bench µs/s/str" : "bench µs/msg");
        for (StepResult s : r.capsule()) {
            out.printf("  %8d", s.offered());
            double total = 0;
            for (String n : names) {
                Double v = s.cpu().get(n);
                out.printf(" %12s", v == null ? "-" : String.format("%.0f", v));
                total += v == null ? 0 : v;
            }
            out.printf(" %8.0f %14.0f %14.0f%n", total, Report.stackMicrosPerMessage(s),
                    microsPerMessage(s.cpu().getOrDefault(BENCH, 0.0), s.achieved()));
        }
        switches(r, names);
        openings(r);
        whereTimeGoes(r);
        out.println();
        if (r.streams()) {
            out.println("Held (update gap p99 ≤ ceiling, every stream whole):");
            out.printf("  %-11s %s concurrent streams%n", "capsule", r.sustained().get("capsule").label());
        } else {
            ratios(r);
        }
        out.println();
        out.println(r.streams() ? "Targets (2 cores, persistence on):" : "Targets (issue 12; 2 cores, persistence on):");
        int width = Math.max(44, r.targets().stream().mapToInt(v -> v.target().length()).max().orElse(0));
        r.targets().forEach(v -> out.printf("  %-7s %-" + width + "s %s%n", v.word(), v.target(), v.detail()));
        out.flush();
    }

    /**
     * First replies to a session's opening message beside its later ones: an opening costs the stack more (the
     * ownership claim, the state found nowhere, {@code enter()}), and the plan sends every session's first message in
     * its first round, so a step starts with a burst of them.
     */
    private void openings(Report r) {
        if (r.streams() || r.capsule().stream().noneMatch(s -> s.latencies().containsKey("firstReply.opening"))) {
            return;
        }
        out.println("First reply to a session's opening message and to its later ones (p50 / p99 ms; the openings come first):");
        out.printf("  %8s %17s %17s%n", "msg/s", "opening", "later");
        for (StepResult s : r.capsule()) {
            Summary opening = s.latencies().getOrDefault("firstReply.opening", Summary.EMPTY);
            Summary later = s.latencies().getOrDefault("firstReply.later", Summary.EMPTY);
            out.printf("  %8d %17s %17s%n", s.offered(), ms(opening.p50()) + " / " + ms(opening.p99()),
                    ms(later.p50()) + " / " + ms(later.p99()));
        }
    }

    /** Thread switches per message answered (per stream-second for streams), by process, and the stack's sum. */
    private void switches(Report r, TreeSet<String> names) {
        if (r.capsule().stream().allMatch(s -> s.switches().isEmpty())) {
            return;
        }
        out.println(r.streams() ? "Thread switches (voluntary and not, every thread) per stream and second of streaming:"
                : "Thread switches (voluntary and not, every thread) per message answered:");
        out.printf("  %8s", r.streams() ? "streams" : "msg/s");
        names.forEach(n -> out.printf(" %12s", shortName(n)));
        out.printf(" %8s%n", "stack");
        for (StepResult s : r.capsule()) {
            out.printf("  %8d", s.offered());
            double stack = 0;
            for (String n : names) {
                Double perSecond = s.switches().get(n);
                double perMessage = perSecond == null || s.achieved() <= 0 ? Double.NaN : perSecond / s.achieved();
                out.printf(" %12s", Double.isNaN(perMessage) ? "-" : String.format("%.1f", perMessage));
                if (!n.equals(BENCH) && !Double.isNaN(perMessage)) {
                    stack += perMessage;
                }
            }
            out.printf(" %8.1f%n", stack);
        }
    }

    private void ratios(Report r) {
        out.println("Sustained (p99 first reply ≤ ceiling, nothing lost):");
        r.sustained().forEach((k, v) -> out.printf("  %-11s %s msg/s%n", k, v.label()));
        out.println("Capsule as a share of the baselines:");
        out.printf("  throughput: %s of (a), %s of (b)%n", pct(r.ratios().get("throughput.vsA")), pct(r.ratios().get("throughput.vsB")));
        for (var e : r.ratios().entrySet()) {
            if (e.getKey().startsWith("p99.") || e.getKey().startsWith("p50.")) {
                String[] parts = e.getKey().split("[.@]"); // p99, vsA, rate
                out.printf("  %s latency at %s msg/s: %.1f× baseline (%s)%n", parts[0], parts[2], e.getValue(),
                        parts[1].substring(2).toLowerCase());
            }
        }
    }

    /** Each profiled JVM's CPU by part, and its hottest methods: where to look first. */
    private void whereTimeGoes(Report r) {
        if (r.whereTimeGoes().isEmpty()) {
            return;
        }
        out.println();
        out.println("Where the CPU went during the measured steps (async-profiler; share of each JVM's samples):");
        for (WhereTimeGoes w : r.whereTimeGoes()) {
            out.printf("  %s (%d samples, flame graph %s):%n", w.service(), w.samples(), w.flameGraph());
            out.println("    " + String.join(", ", w.shares().entrySet().stream()
                    .map(e -> String.format("%s %.0f%%", e.getKey(), e.getValue())).toList()));
            out.println("    hottest: " + String.join(", ", w.hottest().entrySet().stream().limit(4)
                    .map(e -> String.format("%s %.1f%%", e.getKey(), e.getValue())).toList()));
        }
    }

    public void files(List<String> paths) {
        out.println();
        paths.forEach(p -> out.println("written: " + p));
    }

    /**
     * CPU per message, in µs, from a share of one core ({@code percent}: 100 = one core busy) at
     * {@code achieved} msg/s: the figure that holds across machines and tells how many cores a load needs.
     */
    static double microsPerMessage(double percent, double achieved) {
        return achieved <= 0 ? Double.NaN : percent * 10_000 / achieved;
    }

    private static double p99(StepResult s, String name) {
        return s.latencies().getOrDefault(name, Summary.EMPTY).p99();
    }

    static String ms(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return v < 10 ? String.format("%.2f", v) : v < 100 ? String.format("%.1f", v) : String.format("%.0f", v);
    }

    private static String pct(Double share) {
        return share == null || share.isNaN() ? "-" : String.format("%.1f%%", 100 * share);
    }

    private static String shortName(String process) {
        return Map.of("gateway-service", "gateway", "session-service", "session", "persistence-service", "persistence",
                "channel-adapters", "adapters").getOrDefault(process, process);
    }
}
