package dev.capsule.bench.capsule;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capsule.events.CapsuleEvent;
import dev.capsule.events.EventCodec;
import dev.capsule.events.OutboundEvent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Sends the HTTP sessions' messages: in the bench mix as server-sent-event requests, which show
 * each event as it comes; in the plain workload as JSON requests, whose one answer holds the
 * turn's events, as a bot SDK's caller gets it. On the event stream, the gateway's {@code accepted}
 * event (or {@code error}) says that Kafka has the message; on the JSON path, the answer does. A
 * session's next message waits for that, as one user's messages would, so that its messages reach
 * Kafka in order.
 */
final class HttpDriver {

    private final HttpClient client;
    private final String base;
    private final String authorization;
    private final StepMetrics metrics;
    private final PersistenceProbe probe;

    HttpDriver(HttpClient client, String gatewayHttp, String token, StepMetrics metrics, PersistenceProbe probe) {
        this.client = client;
        this.base = gatewayHttp + "/api/sessions/";
        this.authorization = "Bearer " + token;
        this.metrics = metrics;
        this.probe = probe;
    }

    void submit(SentMessage m) {
        if (m.session.offer(m)) {
            send(m);
        }
    }

    private void send(SentMessage m) {
        boolean json = m.session.transport == Transport.HTTP_JSON;
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + m.session.id + "/messages"))
                .header("Authorization", authorization)
                .header("Accept", json ? "application/json" : "text/event-stream")
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(90))
                .POST(HttpRequest.BodyPublishers.ofString(ChatConnection.textJson(m.text())))
                .build();
        client.sendAsync(request, info -> json ? answered(m, info) : accepted(m, info)).whenComplete((response, failure) -> {
            if (failure != null) {
                metrics.error("HTTP " + m.session.id + ": " + failure);
            }
            if (!m.accepted) {
                m.session.refused(m); // never accepted: no turn will come
            }
            release(m);
        });
    }

    private HttpResponse.BodySubscriber<Void> accepted(SentMessage m, HttpResponse.ResponseInfo info) {
        if (info.statusCode() != 200) {
            return refused(m, info);
        }
        return HttpResponse.BodySubscribers.fromLineSubscriber(new SseLines((name, data) -> {
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
        }));
    }

    /** A JSON answer: the turn has ended, and its events are all in the body. */
    private HttpResponse.BodySubscriber<Void> answered(SentMessage m, HttpResponse.ResponseInfo info) {
        if (info.statusCode() != 200) {
            return refused(m, info);
        }
        return HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofByteArray(), body -> {
            long now = System.nanoTime();
            m.accepted = true;
            if (m.probe) {
                probe.watch(m, now);
            }
            try {
                for (JsonNode event : EventCodec.mapper().readTree(body).path("events")) {
                    if (EventCodec.mapper().treeToValue(event, CapsuleEvent.class) instanceof OutboundEvent outbound) {
                        m.session.onEvent(outbound, now, m);
                    }
                }
            } catch (IOException | RuntimeException e) {
                metrics.error("undecodable answer on session " + m.session.id + ": " + e.getMessage());
            }
            release(m);
            return null;
        });
    }

    /** Not accepted: no turn will come, and the session's next message may go. */
    private HttpResponse.BodySubscriber<Void> refused(SentMessage m, HttpResponse.ResponseInfo info) {
        metrics.error("HTTP " + info.statusCode() + " for a message to session " + m.session.id);
        m.session.refused(m);
        release(m);
        return HttpResponse.BodySubscribers.replacing(null);
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
