package dev.capsule.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.bench.load.Mix;
import dev.capsule.bench.measure.Counts;
import dev.capsule.bench.measure.Machine;
import dev.capsule.bench.measure.StepResult;
import dev.capsule.bench.measure.Summary;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamsReportTest {

    private static final Machine MACHINE = new Machine("2025-01-01T00:00:00Z", 2, "test", 4096, "0 0 0", "java");

    @Test
    void theLadderBrokeBelowAThousandStreamsIsAMissThatNamesTheMostHeld() {
        List<StepResult> steps = List.of(step(25, 60, 25, false), step(50, 70, 50, false), step(100, 140, 100, true));
        Report r = Report.of("r", "quick", 7, MACHINE, Mix.STREAMS, "streams", List.of(), List.of(), steps, List.of(), List.of(), null, null);
        assertEquals(3, r.targets().size(), "the streams target, zero lost and the first message, nothing of the mix's");
        Verdict v = r.targets().getFirst();
        assertEquals("≥ 1,000 concurrent streams, update gap p99 ≤ 100 ms", v.target());
        assertEquals("MISS", v.word());
        assertTrue(v.detail().startsWith("held 50 streams: update gap p99 70.0 ms, 50 of 50 whole"), v.detail());
        assertTrue(v.detail().contains("broke at 100: update gap p99 140 ms, 100 of 100 whole"), v.detail());
        assertEquals("zero lost, duplicated or reordered", r.targets().get(1).target());
        assertEquals("PASS", r.targets().get(1).word());
    }

    @Test
    void aThousandStreamsHeldIsAPass() {
        List<StepResult> steps = List.of(step(500, 55, 500, false), step(1000, 80, 1000, false), step(2000, 90, 1990, true));
        Verdict v = Report.streamVerdicts(steps).getFirst();
        assertEquals("PASS", v.word(), v.detail());
        assertTrue(v.detail().contains("broke at 2000: update gap p99 90.0 ms, 1990 of 2000 whole"), v.detail());
    }

    @Test
    void noStepHeldSaysSo() {
        Verdict v = Report.streamVerdicts(List.of(step(25, 150, 25, true))).getFirst();
        assertEquals("MISS", v.word());
        assertTrue(v.detail().startsWith("held no step; broke at 25"), v.detail());
    }

    @Test
    void theConsoleNamesTheStreamsHeld() {
        List<StepResult> steps = List.of(step(25, 60, 25, false), step(50, 140, 50, true));
        Report r = Report.of("r", "quick", 7, MACHINE, Mix.STREAMS, "streams", List.of(), List.of(), steps, List.of(), List.of(), null, null);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new ConsoleReport(new PrintStream(bytes, true, StandardCharsets.UTF_8)).summary(r);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("capsule     25 concurrent streams"), out);
        assertTrue(out.contains("MISS    ≥ 1,000 concurrent streams"), out);
        assertTrue(!out.contains("Capsule as a share of the baselines"), out);
    }

    private static StepResult step(int streams, double gapP99, int whole, boolean broken) {
        Summary gap = new Summary(1000, 50, gapP99, gapP99, gapP99, 50);
        Summary first = new Summary(streams, 5, 20, 20, 20, 6);
        return new StepResult("capsule", streams, whole, streams, whole,
                Map.of("firstReply", first, "chunkGap", gap), Counts.NONE, Map.of("bench", 10.0), Map.of(), broken);
    }
}
