package dev.capsule.bench.capsule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capsule.events.CapsuleEvent;
import dev.capsule.events.EventCodec;
import dev.capsule.events.OutboundEvent;
import java.net.http.WebSocket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One chat socket carrying several sessions, as a browser tab with several conversations would.
 * The JDK's WebSocket takes one send at a time, so sends are chained; the socket keeps their order.
 */
final class ChatConnection implements WebSocket.Listener {

    private final Map<String, SessionLedger> sessions;
    private final StepMetrics metrics;
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;
    private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);
    private volatile boolean closing;

    ChatConnection(Map<String, SessionLedger> sessions, StepMetrics metrics) {
        this.sessions = sessions;
        this.metrics = metrics;
    }

    void attach(WebSocket socket) {
        this.socket = socket;
    }

    synchronized void send(SentMessage m) {
        ObjectNode frame = EventCodec.mapper().createObjectNode()
                .put("type", "message").put("sessionId", m.session.id).put("text", m.text());
        String text = frame.toString();
        sending = sending.thenCompose(previous -> socket.sendText(text, true)).exceptionally(failure -> {
            metrics.error("chat send on session " + m.session.id + ": " + failure);
            return null;
        });
    }

    void close() {
        closing = true;
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bench step over").exceptionally(f -> null);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        long now = System.nanoTime();
        partial.append(data);
        if (last) {
            String frame = partial.toString();
            partial.setLength(0);
            handle(frame, now);
        }
        webSocket.request(1);
        return null;
    }

    private void handle(String frame, long now) {
        CapsuleEvent event;
        try {
            event = EventCodec.decode(frame);
        } catch (RuntimeException e) {
            // Not a contract event: one of the gateway's own frames. An error frame is a refused
            // message; the others (an acceptance, say) carry nothing the benchmark measures.
            try {
                JsonNode control = EventCodec.mapper().readTree(frame);
                if (!"error".equals(control.path("type").asText())) {
                    return;
                }
                metrics.error("chat frame: " + frame);
                SessionLedger ledger = sessions.get(control.path("sessionId").asText());
                if (ledger != null) {
                    ledger.chatRefused();
                }
            } catch (java.io.IOException unreadable) {
                metrics.error("unreadable chat frame: " + frame);
            }
            return;
        }
        if (event instanceof OutboundEvent outbound) {
            SessionLedger ledger = sessions.get(outbound.sessionId());
            if (ledger == null) {
                metrics.outOfOrder("an event of session " + outbound.sessionId() + ", which this socket never wrote to");
            } else {
                ledger.onEvent(outbound, now, null);
            }
        }
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        metrics.error("chat socket: " + error);
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        if (!closing) {
            metrics.error("chat socket closed by the gateway: " + statusCode + " " + reason);
        }
        return null;
    }

    /** {@code {"text": "…"}}, the body of an API message. */
    static String textJson(String text) {
        return EventCodec.mapper().createObjectNode().put("text", text).toString();
    }
}
