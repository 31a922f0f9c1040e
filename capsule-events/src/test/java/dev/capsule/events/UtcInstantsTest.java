package dev.capsule.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.SerializationFeature;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UtcInstantsTest {

    @Test
    void readsTheFormCapsuleWritesWithAnyNumberOfFractionDigits() {
        for (String text : new String[] {
                "2026-11-30T16:08:15Z", "2026-11-30T16:08:15.1Z", "2026-11-30T16:08:15.139Z", "2026-11-30T16:08:15.139817Z",
                "2026-11-30T16:08:15.139817463Z", "2026-11-30T16:08:15.000000001Z", "1970-01-01T00:00:00Z",
                "2028-02-29T23:59:59.999999999Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.5Z"}) {
            assertEquals(Instant.parse(text), UtcInstants.parse(text), text);
        }
        Instant now = Instant.now();
        assertEquals(now, UtcInstants.parse(now.toString()));
    }

    @Test
    void leavesEveryOtherFormAndEveryInvalidOneToJackson() {
        for (String text : new String[] {
                "2026-11-30T16:08:15+01:00", "2026-11-30T16:08:15.5+00:00", "2026-11-30t16:08:15Z", "2026-11-30T16:08:15z",
                "2026-11-30 16:08:15Z", "+12026-11-30T16:08:15Z", "2026-11-30T16:08:15.Z", "2026-11-30T16:08:15.1234567890Z",
                "2026-13-30T16:08:15Z", "2026-02-30T16:08:15Z", "2026-11-30T24:00:00Z", "2026-12-31T23:59:60Z",
                "2026-1a-30T16:08:15Z", "2026-11-30T16:08:1Z", "yesterday", ""}) {
            assertNull(UtcInstants.parse(text), text);
        }
    }

    @Test
    void writesWhatInstantToStringWritesForEveryYearFrom0To9999AndEveryPrecision() {
        SplittableRandom random = new SplittableRandom(7);
        long first = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
        long last = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        char[] text = new char[32];
        for (int i = 0; i < 100_000; i++) {
            int nanos = random.nextInt(1_000_000_000);
            nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> nanos / 1_000_000 * 1_000_000;
                case 2 -> nanos / 1_000 * 1_000;
                default -> nanos;
            };
            Instant instant = Instant.ofEpochSecond(random.nextLong(first, last + 1), nanos);
            assertEquals(instant.toString(), new String(text, 0, UtcInstants.format(instant, text)));
        }
        for (String edge : new String[] {"0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "1970-01-01T00:00:00.001Z",
                "2028-02-29T12:00:00.000001Z"}) {
            Instant instant = Instant.parse(edge);
            assertEquals(edge, new String(text, 0, UtcInstants.format(instant, text)));
        }
    }

    @Test
    void leavesInstantsPastYear9999AndNumericTimestampsToJacksonsWriter() throws Exception {
        Reply far = Reply.of(new EventMeta("e1", SchemaVersion.CURRENT, "s1", Instant.parse("+10000-01-01T00:00:00Z"), null),
                "in-1", 1, "web", null, "hi");
        String written = EventCodec.encodeToString(far);
        assertTrue(written.contains("\"timestamp\":\"+10000-01-01T00:00:00Z\""), written);
        assertEquals(far, EventCodec.decode(written));
        Instant instant = Instant.parse("2026-11-30T16:08:15.5Z");
        assertEquals("1796054895.500000000",
                EventCodec.mapper().copy().enable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).writeValueAsString(instant));
        assertEquals("\"2026-11-30T16:08:15.500Z\"", EventCodec.mapper().writeValueAsString(instant));
    }
}
