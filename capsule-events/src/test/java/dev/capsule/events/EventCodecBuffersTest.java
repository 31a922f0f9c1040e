package dev.capsule.events;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * session-service encodes a turn's events on the turn's own virtual thread, a new one per turn. Jackson's default
 * keeps its write buffers per thread, so every turn allocated them afresh: 22.7 kB per event written, against 4.4 kB
 * with the pool, a fifth of all that session-service allocated under load (docs/performance.md, 2026-12-01). The codec
 * shares one pool of them.
 */
class EventCodecBuffersTest {

    private static final int EVENTS = 2_000;

    @Test
    void eventsWrittenOnFreshVirtualThreadsReuseTheWriteBuffers() throws Exception {
        List<CapsuleEvent> samples = SampleEvents.oneOfEachType().toList();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        encodeEachOnANewVirtualThread(samples, EVENTS); // warm: classes loaded, serializers built
        long before = threads.getTotalThreadAllocatedBytes();
        long written = encodeEachOnANewVirtualThread(samples, EVENTS);
        long perEvent = (threads.getTotalThreadAllocatedBytes() - before) / EVENTS;
        // The event, its virtual thread and the codec's own objects: 4.4 kB when measured. Fresh buffers made it 22.7 kB.
        assertTrue(perEvent < 8_000, "writing an event on a fresh virtual thread allocated " + perEvent
                + " bytes (its JSON averaged " + written / EVENTS + "): the write buffers are not reused");
    }

    private static long encodeEachOnANewVirtualThread(List<CapsuleEvent> samples, int count) throws InterruptedException {
        long[] bytes = new long[1];
        for (int i = 0; i < count; i++) {
            CapsuleEvent event = samples.get(i % samples.size());
            Thread.ofVirtual().start(() -> bytes[0] += EventCodec.encode(event).length).join();
        }
        return bytes[0];
    }
}
