package dev.capsule.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.bench.load.Mix;
import dev.capsule.bench.measure.Machine;
import java.util.List;
import org.junit.jupiter.api.Test;

class FirstMessageTargetTest {

    private static final Machine MACHINE = new Machine("2025-01-01T00:00:00Z", 2, "test", 4096, "0 0 0", "java");

    @Test
    void aFirstMessageWithinAHundredMillisecondsPassesAndOneAboveMisses() {
        assertEquals("PASS", Report.firstMessage(100.0).word());
        assertEquals("MISS", Report.firstMessage(101.0).word());
        assertTrue(Report.firstMessage(46.0).detail().startsWith("46 ms"), Report.firstMessage(46.0).detail());
    }

    @Test
    void aFirstMessageNotTimedIsUnknownNotAPass() {
        assertEquals("UNKNOWN", Report.firstMessage(null).word());
    }

    @Test
    void everyWorkloadsReportJudgesTheFirstMessage() {
        for (Mix mix : Mix.values()) {
            Report r = Report.of("r", "quick", 7, MACHINE, mix, mix.id(), List.of(), List.of(), List.of(), List.of(), List.of(), 1500.0, null);
            assertEquals(1, r.targets().stream().filter(v -> v.target().startsWith("first message of a new session")
                    && v.word().equals("MISS")).count(), mix + ": " + r.targets());
        }
    }
}
