package dev.capsule.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
