package dev.capsule.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadTest {

    @Test
    void theSameSeedPlansTheSameMessages() {
        assertEquals(Workload.plan(7, 5000, 10), Workload.plan(7, 5000, 10));
    }

    @Test
    void everySessionSendsItsMessagesInPositionOrderSpreadOverTheSchedule() {
        List<Planned> plan = Workload.plan(7, 1000, 10);
        Map<Integer, Integer> last = new HashMap<>();
        for (Planned p : plan) {
            assertEquals(last.getOrDefault(p.session(), 0) + 1, p.position(), "session " + p.session());
            last.put(p.session(), p.position());
        }
        assertEquals(100, last.size());
        assertTrue(last.values().stream().allMatch(n -> n == 10));
    }

    @Test
    void thePlainWorkloadIsPlainTextOnlyOverTheSameSessionsAndOrder() {
        List<Planned> plain = Workload.plan(7, 2000, 10, Mix.PLAIN);
        assertTrue(plain.stream().allMatch(p -> p.kind() == MessageKind.PLAIN));
        assertEquals(Workload.plan(7, 2000, 10).stream().map(Planned::session).toList(),
                plain.stream().map(Planned::session).toList(), "the same schedule of sessions as the mix");
    }

    @Test
    void aWorkloadIsNamedMixPlainOrStreamsAndAnyOtherNameSaysSo() {
        assertEquals(Mix.MIXED, Mix.named("mix"));
        assertEquals(Mix.PLAIN, Mix.named("plain"));
        assertEquals(Mix.STREAMS, Mix.named("streams"));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Mix.named("echo"));
        assertTrue(e.getMessage().contains("mix, plain or streams"), e.getMessage());
    }

    @Test
    void theStreamsWorkloadIsOneLongStreamPerSession() {
        List<Planned> plan = Workload.plan(7, 250, 1, Mix.STREAMS);
        assertEquals(250, plan.stream().map(Planned::session).distinct().count());
        assertTrue(plan.stream().allMatch(p -> p.kind() == MessageKind.LONG_STREAM && p.position() == 1
                && p.text().equals("/stream 300 30")), "every message a /stream 300 30, one per session");
    }

    @Test
    void theMixIsSeventyPlainTwentyStreamsTenNotify() {
        List<Planned> plan = Workload.plan(7, 20000, 10);
        Map<MessageKind, Long> counts = new HashMap<>();
        plan.forEach(p -> counts.merge(p.kind(), 1L, Long::sum));
        assertEquals(0.70, counts.get(MessageKind.PLAIN) / 20000.0, 0.02);
        assertEquals(0.20, counts.get(MessageKind.STREAM) / 20000.0, 0.02);
        assertEquals(0.10, counts.get(MessageKind.NOTIFY) / 20000.0, 0.02);
    }

    @Test
    void aPlainMessageNamesItsSessionAndPosition() {
        Planned p = Workload.plan(7, 100, 10).stream().filter(x -> x.kind() == MessageKind.PLAIN).findFirst().orElseThrow();
        assertEquals("hello " + p.session() + "." + p.position(), p.text());
    }
}
