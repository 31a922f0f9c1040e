package dev.capsule.kafka;

import dev.capsule.events.TraceContext;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Where a message's one trace begins (DESIGN invariant 8). Every message a channel accepts gets
 * a span of the accepting service, and its {@code traceparent} goes into the inbound event and
 * from there into every event of the turn and its Kafka headers, so that the accepting span,
 * session-service's and persistence-service's consumer spans and the adapters' delivery spans
 * are one trace. The span continues the sender's trace when it sent a valid
 * {@code traceparent}; otherwise the message starts a trace of its own, never the current one:
 * on a chat socket that would be the socket's, shared by all its messages.
 */
@ApplicationScoped
public class MessageTraces {

    private static final Pattern TRACEPARENT = Pattern.compile("00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}");
    private static final TextMapGetter<TraceContext> SENT = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(TraceContext carrier) {
            return List.of("traceparent", "tracestate");
        }

        @Override
        public String get(TraceContext carrier, String key) {
            if (carrier == null) {
                return null;
            }
            return switch (key) {
                case "traceparent" -> carrier.traceparent();
                case "tracestate" -> carrier.tracestate();
                default -> null;
            };
        }
    };

    private final Tracer tracer;

    MessageTraces(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("dev.capsule");
    }

    /**
     * Opens and closes the span that accepts a message on {@code channel}, and returns its trace
     * context for the inbound event. {@code sent} is what the sender's request carried (may be
     * {@link TraceContext#NONE}).
     */
    public TraceContext accept(String channel, TraceContext sent) {
        boolean sentValid = sent != null && valid(sent.traceparent());
        Context parent = parentOf(sent, Context.root());
        Span span = tracer.spanBuilder("capsule accept " + channel).setSpanKind(SpanKind.PRODUCER).setParent(parent).startSpan();
        try {
            if (span.getSpanContext().isValid()) {
                Map<String, String> carrier = new HashMap<>();
                W3CTraceContextPropagator.getInstance().inject(parent.with(span), carrier, Map::put);
                return new TraceContext(carrier.get("traceparent"), carrier.get("tracestate"));
            }
        } finally {
            span.end();
        }
        // Tracing is switched off (quarkus.otel.enabled=false): the events still share one trace id.
        return sentValid ? sent : new TraceContext(newTraceparent(), null);
    }

    /**
     * Runs {@code work} in a span named {@code name}, child of the span {@code trace} names, so
     * that what a service does for an event (a delivery to a provider) shows in the message's
     * trace. A failure marks the span and goes on to the caller.
     */
    public void within(String name, TraceContext trace, Runnable work) {
        Context parent = parentOf(trace, Context.current());
        Span span = tracer.spanBuilder(name).setSpanKind(SpanKind.CONSUMER).setParent(parent).startSpan();
        try (Scope ignored = span.makeCurrent()) {
            work.run();
        } catch (RuntimeException e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR);
            throw e;
        } finally {
            span.end();
        }
    }

    /** The span {@code trace} names when it is valid, else {@code otherwise}. */
    private static Context parentOf(TraceContext trace, Context otherwise) {
        return trace != null && valid(trace.traceparent())
                ? W3CTraceContextPropagator.getInstance().extract(Context.root(), trace, SENT) : otherwise;
    }

    /** Whether {@code traceparent} is a W3C version-00 value with non-zero ids. */
    public static boolean valid(String traceparent) {
        return traceparent != null && TRACEPARENT.matcher(traceparent).matches();
    }

    /** The trace id of a valid {@code traceparent}. */
    public static String traceId(String traceparent) {
        return traceparent.substring(3, 35);
    }

    private static String newTraceparent() {
        // Unique, not secret (as OpenTelemetry's own ids): no SecureRandom, whose lock every event-loop thread would share.
        byte[] trace = new byte[16];
        byte[] span = new byte[8];
        ThreadLocalRandom.current().nextBytes(trace);
        ThreadLocalRandom.current().nextBytes(span);
        trace[0] |= 1; // never all zeros
        span[0] |= 1;
        return "00-" + HexFormat.of().formatHex(trace) + "-" + HexFormat.of().formatHex(span) + "-01";
    }
}
