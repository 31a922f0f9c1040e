package dev.capsule.bench.report;

import dev.capsule.bench.capsule.GeneratorCheck;
import dev.capsule.bench.load.Mix;
import dev.capsule.bench.measure.Machine;
import dev.capsule.bench.measure.StepResult;
import dev.capsule.bench.measure.Summary;
import dev.capsule.bench.profile.WhereTimeGoes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything one run found, as printed and as written to JSON. */
public record Report(String runId, String profile, long seed, Machine machine, String mix, String workload,
                     List<StepResult> baselineA, List<StepResult> baselineB, List<StepResult> capsule,
                     List<StepResult> capsuleWarmup,
                     Map<String, Sustained> sustained, Map<String, Double> ratios, List<Verdict> targets,
                     List<WhereTimeGoes> whereTimeGoes) {

    /** The targets of issue 12, on 2 cores with persistence on. */
    static final int TARGET_RATE = 1000;
    static final double TARGET_P99_AT_RATE = 15;
    static final int TARGET_SUSTAINED = 5000;
    static final double TARGET_STACK_MICROS = 300;
    static final double TARGET_PERSISTENCE_LAG_P99 = 500;
    /** The streams workload's target: this many concurrent streams held, with the gap between updates at p99 ≤ the next. */
    static final int TARGET_STREAMS = 1000;
    static final double TARGET_STREAM_GAP_P99 = 100;
    /** A new session's first message, right after {@code ./capsule up}, answered within this many ms. */
    static final double TARGET_FIRST_MESSAGE = 100;

    public static Report of(String runId, String profile, long seed, Machine machine, Mix mix, String workload,
                            List<StepResult> a, List<StepResult> b, List<StepResult> capsule,
                            List<StepResult> capsuleWarmup, List<WhereTimeGoes> whereTimeGoes, Double firstMessageMillis,
                            GeneratorCheck.Result generator) {
        Map<String, Sustained> sustained = new LinkedHashMap<>();
        sustained.put("capsule", Sustained.of(capsule));
        sustained.put("baseline-a", Sustained.of(a));
        sustained.put("baseline-b", Sustained.of(b));
        Map<String, Double> ratios = ratios(sustained, a, b, capsule);
        List<Verdict> targets = mix == Mix.STREAMS ? streamVerdicts(capsule) : verdicts(sustained, capsule, mix == Mix.MIXED);
        targets.add(zeroLost(capsule, capsuleWarmup));
        targets.add(firstMessage(firstMessageMillis));
        if (generator != null) {
            targets.add(generator(generator));
        }
        return new Report(runId, profile, seed, machine, mix.id(), workload, a, b, capsule, capsuleWarmup, sustained, ratios,
                targets, whereTimeGoes);
    }

    /** A new session's first message, as the bench timed it before sending anything else (null: not timed). */
    static Verdict firstMessage(Double millis) {
        String target = "first message of a new session, right after ./capsule up, ≤ 100 ms";
        if (millis == null) {
            return new Verdict(target, null, "not timed: the bench times it only when started as ./capsule bench");
        }
        return new Verdict(target, millis <= TARGET_FIRST_MESSAGE,
                String.format("%.0f ms, timed before the bench sent anything else", millis));
    }

    /** The load generator's own CPU per message against a stand-in gateway, at the rate it must hold. */
    static Verdict generator(GeneratorCheck.Result r) {
        String target = String.format("load generator ≤ %.0f µs of its own CPU per message at %,d msg/s",
                GeneratorCheck.TARGET_MICROS, r.rate());
        boolean held = r.achieved() >= 0.95 * r.rate() && r.errors() == 0;
        String detail = String.format("%.0f µs per message; %,.0f msg/s reached, %d errors (a stand-in gateway in its own process;"
                        + " measured after %d s of warm-up, its JIT compilers then took %d%% of its CPU)",
                r.microsPerMessage(), r.achieved(), r.errors(), r.warmedUp().toSeconds(), r.measuredJitPercent());
        return new Verdict(target, held && r.microsPerMessage() <= GeneratorCheck.TARGET_MICROS, detail);
    }

    /** The streams workload's steps: its "rate" is concurrent streams, and its figures say so. */
    public boolean streams() {
        return Mix.STREAMS.id().equals(mix);
    }

    /**
     * Capsule as a share of each baseline: throughput (sustained rates) and latency at the rates
     * both ran (p50 and p99 of Capsule over the baseline's; above 1 means Capsule is slower).
     */
    private static Map<String, Double> ratios(Map<String, Sustained> sustained, List<StepResult> a,
                                              List<StepResult> b, List<StepResult> capsule) {
        Map<String, Double> ratios = new LinkedHashMap<>();
        double c = sustained.get("capsule").rate();
        ratios.put("throughput.vsA", share(c, sustained.get("baseline-a").rate()));
        ratios.put("throughput.vsB", share(c, sustained.get("baseline-b").rate()));
        for (StepResult s : capsule) {
            for (var base : List.of(Map.entry("A", a), Map.entry("B", b))) {
                for (StepResult r : base.getValue()) {
                    if (r.offered() == s.offered()) {
                        Summary cs = s.firstReply(), bs = r.firstReply();
                        ratios.put("p50.vs" + base.getKey() + "@" + s.offered(), share(cs.p50(), bs.p50()));
                        ratios.put("p99.vs" + base.getKey() + "@" + s.offered(), share(cs.p99(), bs.p99()));
                    }
                }
            }
        }
        return ratios;
    }

    /** The stack's CPU per message answered at a step, the load generator's own left out. */
    static double stackMicrosPerMessage(StepResult s) {
        double stack = s.cpu().entrySet().stream().filter(e -> !e.getKey().equals(ConsoleReport.BENCH)).mapToDouble(Map.Entry::getValue).sum();
        return ConsoleReport.microsPerMessage(stack, s.achieved());
    }

    private static double share(double x, double of) {
        return of > 0 ? x / of : Double.NaN;
    }

    private static List<Verdict> verdicts(Map<String, Sustained> sustained, List<StepResult> capsule, boolean mixed) {
        List<Verdict> v = new ArrayList<>();
        StepResult atTarget = capsule.stream().filter(s -> s.offered() == TARGET_RATE).findFirst().orElse(null);
        if (atTarget == null) {
            String why = "the ladder broke below 1,000 msg/s";
            v.add(new Verdict("p99 first reply ≤ 15 ms at 1,000 msg/s", false, why));
            if (mixed) {
                v.add(new Verdict("stack CPU ≤ 300 µs per message at 1,000 msg/s", false, why));
            }
            v.add(new Verdict("persistence lag p99 ≤ 500 ms at 1,000 msg/s", false, why));
        } else {
            double p99 = atTarget.firstReply().p99();
            v.add(new Verdict("p99 first reply ≤ 15 ms at 1,000 msg/s", p99 <= TARGET_P99_AT_RATE && !atTarget.broken(),
                    String.format("p99 %.1f ms at 1,000 msg/s (achieved %.0f msg/s)", p99, atTarget.achieved())));
            if (mixed) {
                double micros = stackMicrosPerMessage(atTarget);
                v.add(new Verdict("stack CPU ≤ 300 µs per message at 1,000 msg/s", micros <= TARGET_STACK_MICROS,
                        String.format("%.0f µs per message", micros)));
            }
            double lag = atTarget.latencies().getOrDefault("persistenceLag", Summary.EMPTY).p99();
            v.add(new Verdict("persistence lag p99 ≤ 500 ms at 1,000 msg/s", Double.isNaN(lag) ? null : lag <= TARGET_PERSISTENCE_LAG_P99,
                    String.format("p99 %.0f ms", lag)));
        }
        Sustained c = sustained.get("capsule");
        v.add(new Verdict("sustained ≥ 5,000 msg/s with p99 ≤ 100 ms",
                c.rate() >= TARGET_SUSTAINED ? Boolean.TRUE : c.atLadderTop() ? null : Boolean.FALSE,
                "sustained " + c.label() + " msg/s" + (c.atLadderTop() ? " (the ladder ended first)" : "")));
        return v;
    }

    /**
     * The streams workload's target: the most concurrent streams a step held (every stream whole,
     * the gap between updates at p99 within the ceiling), against 1,000; with the figures of the
     * step that held and of the one that broke the ladder.
     */
    static List<Verdict> streamVerdicts(List<StepResult> capsule) {
        List<Verdict> v = new ArrayList<>();
        String target = "≥ 1,000 concurrent streams, update gap p99 ≤ 100 ms";
        if (capsule.isEmpty()) {
            v.add(new Verdict(target, null, "no Capsule step ran"));
            return v;
        }
        Sustained held = Sustained.of(capsule);
        StepResult heldStep = capsule.stream().filter(s -> s.offered() == held.rate() && !s.broken()).findFirst().orElse(null);
        StepResult broke = capsule.stream().filter(StepResult::broken).findFirst().orElse(null);
        StringBuilder detail = new StringBuilder(heldStep == null ? "held no step"
                : "held " + held.label() + " streams: " + streamFigures(heldStep));
        if (broke != null) {
            detail.append("; broke at ").append(broke.offered()).append(": ").append(streamFigures(broke));
        } else if (held.atLadderTop()) {
            detail.append(" (the ladder ended first)");
        }
        boolean pass = heldStep != null && held.rate() >= TARGET_STREAMS && gapP99(heldStep) <= TARGET_STREAM_GAP_P99;
        v.add(new Verdict(target, pass, detail.toString()));
        return v;
    }

    private static String streamFigures(StepResult s) {
        return String.format("update gap p99 %s ms, %.0f of %d whole", ConsoleReport.ms(gapP99(s)), s.achieved(), s.sent());
    }

    private static double gapP99(StepResult s) {
        return s.latencies().getOrDefault("chunkGap", Summary.EMPTY).p99();
    }

    /** Lost, duplicated or reordered anything, in any step, warm-ups included. */
    private static Verdict zeroLost(List<StepResult> capsule, List<StepResult> warmup) {
        // Warm-up steps do not count for latency, but whatever they lost or doubled was lost or doubled.
        long lost = 0, dup = 0, ooo = 0, refused = 0, failed = 0;
        List<StepResult> all = new ArrayList<>(warmup);
        all.addAll(capsule);
        for (StepResult s : all) {
            lost += s.counts().lostAll();
            dup += s.counts().duplicatedAll();
            ooo += s.counts().outOfOrderAll();
            refused += s.counts().errors();
            failed += s.counts().failed();
        }
        return new Verdict("zero lost, duplicated or reordered", all.isEmpty() ? null : lost + dup + ooo == 0,
                "lost " + lost + ", duplicated " + dup + ", out of order " + ooo + " over " + all.size()
                        + " steps, warm-ups included (beside them: " + refused + " refused, " + failed + " failed turns)");
    }
}
