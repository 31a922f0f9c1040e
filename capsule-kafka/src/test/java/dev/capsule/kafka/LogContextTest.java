package dev.capsule.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.capsule.events.TraceContext;
import org.jboss.logging.MDC;
import org.junit.jupiter.api.Test;

/** The ids are in the MDC while the context is open, and what was there before is back once it closes. */
class LogContextTest {

    @Test
    void theIdsHoldUntilClosedAndWhatWasThereBeforeComesBack() {
        TraceContext trace = new TraceContext("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", null);
        try (LogContext outer = LogContext.of("s1", "m1", trace)) {
            assertEquals("s1", MDC.get("sessionId"));
            assertEquals("m1", MDC.get("messageId"));
            assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", MDC.get("traceId"));
            try (LogContext inner = LogContext.of("s2", null, TraceContext.NONE)) {
                assertEquals("s2", MDC.get("sessionId"));
                assertNull(MDC.get("messageId"), "an id not known is left out, not inherited");
                assertNull(MDC.get("traceId"));
            }
            assertEquals("s1", MDC.get("sessionId"));
            assertEquals("m1", MDC.get("messageId"));
            assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", MDC.get("traceId"));
        }
        assertNull(MDC.get("sessionId"));
        assertNull(MDC.get("messageId"));
        assertNull(MDC.get("traceId"));
    }

    @Test
    void aTraceparentThatIsNotOneGivesNoTraceId() {
        assertNull(LogContext.traceIdOf(null));
        assertNull(LogContext.traceIdOf(new TraceContext("garbage", null)));
        assertNull(LogContext.traceIdOf(new TraceContext("00-4bf92f3577b34da6a3ce929d0e0e4736", null)));
    }
}
