package dev.capsule.bench.report;

import dev.capsule.bench.measure.Machine;
import dev.capsule.bench.measure.StepResult;
import dev.capsule.bench.measure.Summary;
import dev.capsule.bench.profile.WhereTimeGoes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything one run found, as printed and as written to JSON. */
public record Report(String runId, String profile, long seed, Machine machine, String workload,
                     List<StepResult> baselineA, List<StepResult> baselineB, List<StepResult> capsule,
                     List<StepResult> capsuleWarmup,
                     Map<String, Sustained> sustained, Map<String, Double> ratios, List<Verdict> targets,
                     List<WhereTimeGoes> whereTimeGoes) {

    /** The targets of issue 7, on 2 cores with persistence on. */
    static final int TARGET_RATE = 1000;
    static final double TARGET_P99_AT_RATE = 25;
    static final int TARGET_SUSTAINED = 5000;
    static final double TARGET_SHARE_OF_B = 0.25;

    public static Report of(String runId, String profile, long seed, Machine machine, String workload,
                            List<StepResult> a, List<StepResult> b, List<StepResult> capsule,
                            List<StepResult> capsuleWarmup, List<WhereTimeGoes> whereTimeGoes) {
        Map<String, Sustained> sustained = new LinkedHashMap<>();
        sustained.put("capsule", Sustained.of(capsule));
        sustained.put("baseline-a", Sustained.of(a));
        sustained.put("baseline-b", Sustained.of(b));
        Map<String, Double> ratios = ratios(sustained, a, b, capsule);
        return new Report(runId, profile, seed, machine, workload, a, b, capsule, capsuleWarmup, sustained, ratios,
                verdicts(sustained, capsule, capsuleWarmup), whereTimeGoes);
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

    private static double share(double x, double of) {
        return of > 0 ? x / of : Double.NaN;
    }

    private static List<Verdict> verdicts(Map<String, Sustained> sustained, List<StepResult> capsule,
                                          List<StepResult> warmup) {
        List<Verdict> v = new ArrayList<>();
        StepResult atTarget = capsule.stream().filter(s -> s.offered() == TARGET_RATE).findFirst().orElse(null);
        if (atTarget == null) {
            v.add(new Verdict("p99 first reply ≤ 25 ms at 1,000 msg/s", false,
                    "the ladder broke below 1,000 msg/s"));
        } else {
            double p99 = atTarget.firstReply().p99();
            v.add(new Verdict("p99 first reply ≤ 25 ms at 1,000 msg/s", p99 <= TARGET_P99_AT_RATE && !atTarget.broken(),
                    String.format("p99 %.1f ms at 1,000 msg/s (achieved %.0f msg/s)", p99, atTarget.achieved())));
        }
        Sustained c = sustained.get("capsule");
        v.add(new Verdict("sustained ≥ 5,000 msg/s with p99 ≤ 100 ms",
                c.rate() >= TARGET_SUSTAINED ? Boolean.TRUE : c.atLadderTop() ? null : Boolean.FALSE,
                "sustained " + c.label() + " msg/s" + (c.atLadderTop() ? " (the ladder ended first)" : "")));
        Sustained b = sustained.get("baseline-b");
        double share = share(c.rate(), b.rate());
        Boolean sharePass = Double.isNaN(share) ? null : share < TARGET_SHARE_OF_B ? Boolean.FALSE
                : b.atLadderTop() ? null : Boolean.TRUE;
        v.add(new Verdict("throughput ≥ 25% of baseline (b)", sharePass,
                String.format("%s of %s msg/s = %.1f%%%s", c.label(), b.label(), 100 * share,
                        b.atLadderTop() ? " (b's limit is higher: the share is at most this)" : "")));
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
        v.add(new Verdict("zero lost, duplicated or reordered", all.isEmpty() ? null : lost + dup + ooo == 0,
                "lost " + lost + ", duplicated " + dup + ", out of order " + ooo + " over " + all.size()
                        + " steps, warm-ups included (beside them: " + refused + " refused, " + failed + " failed turns)"));
        return v;
    }
}
