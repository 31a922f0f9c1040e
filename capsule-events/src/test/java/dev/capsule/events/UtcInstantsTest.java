package dev.capsule.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
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
}
