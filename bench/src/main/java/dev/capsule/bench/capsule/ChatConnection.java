package dev.capsule.bench.capsule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capsule.events.CapsuleEvent;
import dev.capsule.events.EventCodec;
import dev.capsule.events.OutboundEvent;
import io.vertx.core.http.WebSocket;
import java.util.Map;

/**
 * One chat socket carrying several sessions, as a browser tab with several conversations would.
 * Frames leave in the order they are written, which is each session's order.
 */
final class ChatConnection {

    private final Map<String, SessionLedger> sessions;
    private final StepMetrics metrics;
    private WebSocket socket;
    private volatile boolean closing;

    ChatConnection(Map<String, SessionLedger> sessions, StepMetrics metrics) {
        this.sessions = sessions;
        this.metrics = metrics;
    }

    void attach(WebSocket socket) {
        this.socket = socket;
        socket.textMessageHandler(frame -> handle(frame, System.nanoTime()));
        socket.exceptionHandler(error -> metrics.error("chat socket: " + error));
        socket.closeHandler(closed -> {
            if (!closing) {
                metrics.error("chat socket closed by the gateway: " + socket.closeStatusCode() + " " + socket.closeReason());
            }
        });
    }

    /** On the event loop, as every write to the socket. */
    void send(SentMessage m) {
        ObjectNode frame = EventCodec.mapper().createObjectNode()
                .put("type", "message").put("sessionId", m.session.id).put("text", m.text());
        socket.writeTextMessage(frame.toString()).onFailure(failure ->
                metrics.error("chat send on session " + m.session.id + ": " + failure));
    }

    void close() {
        closing = true;
        socket.close((short) 1000, "bench step over");
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

    /** {@code {"text": "…"}}, the body of an API message. */
    static String textJson(String text) {
        return EventCodec.mapper().createObjectNode().put("text", text).toString();
    }
}
