package dev.capsule.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.bench.capsule.GeneratorCheck;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GeneratorTargetTest {

    @Test
    void aLeanGeneratorThatHeldItsRatePassesAndOneThatCostMoreOrFellBehindMisses() {
        assertEquals("PASS", Report.generator(new GeneratorCheck.Result(5000, 4990, 20_000, 80, 0, null, Duration.ZERO, 0, 0)).word());
        assertEquals("MISS", Report.generator(new GeneratorCheck.Result(5000, 4990, 20_000, 130, 0, null, Duration.ZERO, 0, 0)).word());
        assertEquals("MISS", Report.generator(new GeneratorCheck.Result(5000, 3000, 12_000, 60, 0, null, Duration.ZERO, 0, 0)).word(),
                "cheap because it fell behind is not lean");
        assertEquals("MISS", Report.generator(new GeneratorCheck.Result(5000, 4990, 20_000, 60, 3, null, Duration.ZERO, 0, 0)).word());
        assertTrue(Report.generator(new GeneratorCheck.Result(5000, 4990, 20_000, 80, 0, null, Duration.ZERO, 0, 0)).detail().startsWith("80 µs per message"));
    }
}
