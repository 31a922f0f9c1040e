package dev.capsule.bench.capsule;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.capsule.events.CapsuleEvent;
import dev.capsule.events.EventCodec;
import dev.capsule.events.OutboundEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.parsetools.RecordParser;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Sends the HTTP sessions' messages: in the bench mix as server-sent-event requests, which show
 * each event as it comes; in the plain workload as JSON requests, whose one answer holds the
 * turn's events, as a bot SDK's caller gets it. On the event stream, the gateway's {@code accepted}
 * event (or {@code error}) says that Kafka has the message; on the JSON path, the answer does. A
 * session's next message waits for that, as one user's messages would, so that its messages reach
 * Kafka in order, and leaves from the callback that released it, on the client's event loop.
 */
final class HttpDriver {

    private static final long TIMEOUT_MILLIS = 90_000;

    private final GatewayConnections gateway;
    private final String base;
    private final String authorization;
    private final StepMetrics metrics;
    private final PersistenceProbe probe;

    HttpDriver(GatewayConnections gateway, String token, StepMetrics metrics, PersistenceProbe probe) {
        this.gateway = gateway;
        this.base = "/api/sessions/";
        this.authorization = "Bearer " + token;
        this.metrics = metrics;
        this.probe = probe;
    }

    /** On the event loop, from the open loop ({@link GatewayConnections#openLoop}): the message leaves now, or after its session's previous one. */
    void submit(SentMessage m) {
        if (m.session.offer(m)) {
            send(m);
        }
    }

    /** On the event loop. */
    private void send(SentMessage m) {
        boolean json = m.session.transport == Transport.HTTP_JSON;
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI(base + m.session.id + "/messages")
                .putHeader("Authorization", authorization)
                .putHeader("Accept", json ? "application/json" : "text/event-stream")
                .putHeader("Content-Type", "application/json")
                .setIdleTimeout(TIMEOUT_MILLIS);
        gateway.http.request(options)
                .compose(request -> request.send(Buffer.buffer(ChatConnection.textJson(m.text()))))
                .onSuccess(response -> {
                    if (response.statusCode() != 200) {
                        refused(m, response);
                    } else if (json) {
                        answered(m, response);
                    } else {
                        accepted(m, response);
                    }
                })
                .onFailure(failure -> ended(m, failure));
    }

    /** The event stream: each event as it comes, until the gateway ends the response with the turn. */
    private void accepted(SentMessage m, HttpClientResponse response) {
        SseLines lines = new SseLines((name, data) -> {
            switch (name) {
                case "accepted" -> {
                    m.accepted = true;
                    if (m.probe) {
                        probe.watch(m, System.nanoTime());
                    }
                    release(m);
                }
                case "error" -> {
                    metrics.error("refused on the stream, session " + m.session.id + ": " + data);
                    m.session.refused(m);
                    release(m);
                }
                default -> onData(m, data);
            }
        });
        response.handler(RecordParser.newDelimited("\n", line -> lines.line(line.toString())));
        response.exceptionHandler(failure -> ended(m, failure));
        response.endHandler(end -> ended(m, null));
    }

    /** A JSON answer: the turn has ended, and its events are all in the body. */
    private void answered(SentMessage m, HttpClientResponse response) {
        response.body().onSuccess(body -> {
            long now = System.nanoTime();
            m.accepted = true;
            if (m.probe) {
                probe.watch(m, now);
            }
            try {
                forEachEvent(body.getBytes(), event -> {
                    if (event instanceof OutboundEvent outbound) {
                        m.session.onEvent(outbound, now, m);
                    }
                });
            } catch (IOException | RuntimeException e) {
                metrics.error("undecodable answer on session " + m.session.id + " (HTTP " + response.statusCode() + ", "
                        + body.length() + " bytes): " + e.getMessage());
            }
            ended(m, null);
        }).onFailure(failure -> ended(m, failure));
    }

    /**
     * The events of a JSON answer ({@code {"events": [...]}}), each decoded straight from the bytes: through a tree of
     * the whole answer, then each event from the tree, the generator cost 160-179 µs per message at 5,000 msg/s, and
     * 152-160 µs this way.
     */
    static void forEachEvent(byte[] answer, Consumer<CapsuleEvent> events) throws IOException {
        try (JsonParser parser = EventCodec.mapper().createParser(answer)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("the answer is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("events".equals(field) && value == JsonToken.START_ARRAY) {
                    while (parser.nextToken() == JsonToken.START_OBJECT) {
                        events.accept(EventCodec.mapper().readValue(parser, CapsuleEvent.class));
                    }
                } else {
                    parser.skipChildren();
                }
            }
        }
    }

    /** Not accepted: no turn will come, and the session's next message may go. */
    private void refused(SentMessage m, HttpClientResponse response) {
        metrics.error("HTTP " + response.statusCode() + " for a message to session " + m.session.id);
        m.session.refused(m);
        response.body().onComplete(ignored -> release(m));
    }

    /** The exchange is over, well or not: a message never accepted gets no turn, and the session's next may go. */
    private void ended(SentMessage m, Throwable failure) {
        if (failure != null) {
            metrics.error("HTTP " + m.session.id + ": " + failure);
        }
        if (!m.accepted) {
            m.session.refused(m);
        }
        release(m);
    }

    private void onData(SentMessage m, String data) {
        long now = System.nanoTime();
        CapsuleEvent event;
        try {
            event = EventCodec.decode(data);
        } catch (RuntimeException e) {
            metrics.error("undecodable event on session " + m.session.id + ": " + e.getMessage());
            return;
        }
        if (event instanceof OutboundEvent outbound) {
            m.session.onEvent(outbound, now, m);
        }
    }

    private void release(SentMessage m) {
        SentMessage next = m.session.release(m);
        if (next != null) {
            send(next);
        }
    }
}
