package dev.capsule.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.events.TraceContext;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MessageTracesTest {

    static final String SENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder().build()).build();
    final MessageTraces traces = new MessageTraces(sdk);

    @AfterEach
    void close() {
        sdk.close();
    }

    @Test
    void aMessageThatCameWithATraceContinuesItInASpanOfItsOwn() {
        TraceContext accepted = traces.accept("api", new TraceContext(SENT, null));
        assertTrue(MessageTraces.valid(accepted.traceparent()), accepted.traceparent());
        assertEquals(MessageTraces.traceId(SENT), MessageTraces.traceId(accepted.traceparent()), "the sender's trace");
        assertNotEquals(SENT, accepted.traceparent(), "with the accepting service's span as parent of what follows");
    }

    @Test
    void aMessageWithoutATraceStartsOne() {
        TraceContext one = traces.accept("web", TraceContext.NONE);
        TraceContext two = traces.accept("web", new TraceContext("garbage", null));
        assertTrue(MessageTraces.valid(one.traceparent()), one.traceparent());
        assertTrue(MessageTraces.valid(two.traceparent()), two.traceparent());
        assertNotEquals(MessageTraces.traceId(one.traceparent()), MessageTraces.traceId(two.traceparent()), "a trace per message");
    }

    @Test
    void aMessageWithoutATraceDoesNotJoinTheCurrentOne() {
        Span socket = sdk.getTracer("test").spanBuilder("socket").startSpan();
        try (Scope ignored = socket.makeCurrent()) {
            TraceContext accepted = traces.accept("web", TraceContext.NONE);
            assertNotEquals(socket.getSpanContext().getTraceId(), MessageTraces.traceId(accepted.traceparent()),
                    "a socket's messages are not one trace");
        } finally {
            socket.end();
        }
    }

    @Test
    void withTracingOffEveryMessageStillHasOneTraceId() {
        MessageTraces off = new MessageTraces(OpenTelemetry.noop());
        TraceContext sent = new TraceContext(SENT, "vendor=1");
        assertEquals(sent, off.accept("api", sent), "the sender's trace as it came");
        assertTrue(MessageTraces.valid(off.accept("web", TraceContext.NONE).traceparent()));
    }

    @Test
    void workForAnEventRunsInASpanOfItsMessagesTrace() {
        String[] seen = new String[1];
        traces.within("capsule deliver demo-telegram", new TraceContext(SENT, null),
                () -> seen[0] = Span.current().getSpanContext().getTraceId());
        assertEquals(MessageTraces.traceId(SENT), seen[0]);

        IllegalStateException failure = new IllegalStateException("provider down");
        assertSame(failure, assertThrows(IllegalStateException.class,
                () -> traces.within("capsule deliver demo-telegram", new TraceContext(SENT, null), () -> {
                    throw failure;
                })), "a failure goes on to the caller");
    }

    @Test
    void onlyW3cVersionZeroWithNonZeroIdsIsValid() {
        assertTrue(MessageTraces.valid(SENT));
        assertFalse(MessageTraces.valid("00-00000000000000000000000000000000-00f067aa0ba902b7-01"));
        assertFalse(MessageTraces.valid("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"));
        assertFalse(MessageTraces.valid("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"));
        assertFalse(MessageTraces.valid(null));
    }
}
