package dev.capsule.bench.capsule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.bench.measure.JitShare;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The generator check against its stand-in gateway, started as a process of its own. */
class GeneratorCheckTest {

    @Test
    void theDriversAnswersFromTheStandInAreCountedAndTheirCostMeasured() throws Exception {
        GeneratorCheck.Result r = GeneratorCheck.run(500, new GeneratorCheck.Warmup(Duration.ofMillis(500), Duration.ofSeconds(2)),
                Duration.ofSeconds(1));
        assertEquals(500, r.answered(), "every message of the measured second answered by the stand-in");
        assertEquals(0, r.errors());
        assertTrue(r.achieved() > 450, "the rate held: " + r.achieved());
        assertTrue(r.microsPerMessage() > 0 && Double.isFinite(r.microsPerMessage()), "a cost was measured: " + r.microsPerMessage());
        // A round at a time, up to the cap: past it the check measures whether or not the JIT settled.
        assertTrue(r.warmedUp().toMillis() % 500 == 0 && r.warmedUp().compareTo(Duration.ofMillis(500)) >= 0
                && r.warmedUp().compareTo(Duration.ofSeconds(2)) <= 0, "warmed up in whole rounds within the cap: " + r.warmedUp());
        assertTrue(r.warmedUp().equals(Duration.ofSeconds(2)) || r.lastWarmupJitPercent() < JitShare.SETTLED_PERCENT,
                "the warm-up ended because the JIT settled or the cap was reached: " + r);
        assertTrue(r.measuredJitPercent() >= 0 && r.measuredJitPercent() <= 100, "a share of the CPU: " + r.measuredJitPercent());
    }
}
