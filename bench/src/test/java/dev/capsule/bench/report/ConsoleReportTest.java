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

class ConsoleReportTest {

    @Test
    void cpuPerMessageIsTheShareOfACoreSpreadOverTheMessagesOfASecond() {
        // Two cores busy at 1,000 msg/s: 2 s of CPU per second for 1,000 messages, 2,000 µs each.
        assertEquals(2000, ConsoleReport.microsPerMessage(200, 1000), 1e-9);
        // The budget: 15,000 msg/s on two cores leaves 133 µs per message.
        assertEquals(133.3, ConsoleReport.microsPerMessage(200, 15_000), 0.1);
        assertTrue(Double.isNaN(ConsoleReport.microsPerMessage(50, 0)), "no message answered: no figure");
    }

    @Test
    void theSummarySetsASessionsOpeningMessagesBesideItsLaterOnes() {
        Summary opening = new Summary(250, 397.3, 849.9, 863.2, 863.2, 405.5);
        Summary later = new Summary(2250, 14.9, 202.9, 335.6, 510.0, 30.1);
        StepResult step = new StepResult("capsule", 250, 248, 2500, 2480,
                Map.of("firstReply", later, "firstReply.opening", opening, "firstReply.later", later), Counts.NONE,
                Map.of("bench", 28.0), Map.of(), true);
        Report r = Report.of("r", "quick", 7, new Machine("2025-01-01T00:00:00Z", 2, "test", 4096, "0 0 0", "java"),
                Mix.MIXED, "mix", List.of(), List.of(), List.of(step), List.of(), List.of(), null, null);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new ConsoleReport(new PrintStream(bytes, true, StandardCharsets.UTF_8)).summary(r);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("First reply to a session's opening message and to its later ones"), out);
        assertTrue(out.matches("(?s).*\\n\\s+250\\s+397 / 850\\s+14\\.9 / 203\\n.*"), out);
    }
}
