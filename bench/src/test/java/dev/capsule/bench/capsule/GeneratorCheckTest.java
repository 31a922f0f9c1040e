package dev.capsule.bench.capsule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The generator check against its stand-in gateway, started as a process of its own. */
class GeneratorCheckTest {

    @Test
    void theDriversAnswersFromTheStandInAreCountedAndTheirCostMeasured() throws Exception {
        GeneratorCheck.Result r = GeneratorCheck.run(500, Duration.ofMillis(500), Duration.ofSeconds(1));
        assertEquals(500, r.answered(), "every message of the measured second answered by the stand-in");
        assertEquals(0, r.errors());
        assertTrue(r.achieved() > 450, "the rate held: " + r.achieved());
        assertTrue(r.microsPerMessage() > 0 && Double.isFinite(r.microsPerMessage()), "a cost was measured: " + r.microsPerMessage());
    }
}
