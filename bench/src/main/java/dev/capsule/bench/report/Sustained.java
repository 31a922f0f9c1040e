package dev.capsule.bench.report;

import dev.capsule.bench.measure.StepResult;
import java.util.List;

/**
 * The highest offered rate a system kept up with: p99 first reply within the profile's ceiling and
 * nothing lost. {@code atLadderTop} when even the ladder's last step held: the true limit is higher.
 */
public record Sustained(int rate, double achieved, boolean atLadderTop) {

    public static Sustained of(List<StepResult> steps) {
        Sustained best = new Sustained(0, 0, false);
        for (StepResult s : steps) {
            if (!s.broken() && s.counts().lostAll() == 0 && s.offered() > best.rate()) {
                best = new Sustained(s.offered(), s.achieved(), s == steps.getLast());
            }
        }
        return best;
    }

    /** "5000" or "≥ 50000" when the ladder ended before the system did. */
    public String label() {
        return (atLadderTop ? "≥ " : "") + rate;
    }
}
