package dev.capsule.bench.capsule;

import com.fasterxml.jackson.databind.node.TextNode;
import io.vertx.core.http.HttpMethod;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Persistence lag, seen as a user sees it: from the gateway accepting a message to the message
 * showing in GET /history. A sample of plain HTTP messages is polled, one request at a time per
 * message, first {@value #FIRST_POLL_MILLIS} ms after it was accepted, then every
 * {@value #POLL_MILLIS} ms; the lag counts to the start of the poll that found it, so it errs high,
 * by at most one wait. The benchmark must not be the load it finds: a history read costs the gateway
 * about 1 ms of CPU, as much as a tenth of a message, and the read model's lag is some 100-200 ms
 * (persistence-service's fetches wait up to 100 ms), so polls from 5 ms on, doubling, took six or
 * seven reads to find each message; these take two or three (lags of p99 155-176 ms), at a resolution ten times finer than the
 * 500 ms target. The cap on probes in flight keeps them few when the lag grows.
 */
final class PersistenceProbe implements AutoCloseable {

    static final long FIRST_POLL_MILLIS = 100;
    static final long POLL_MILLIS = 50;
    static final int MAX_IN_FLIGHT = 16;
    private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final GatewayConnections gateway;
    private final String base;
    private final String authorization;
    private final StepMetrics metrics;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closed;

    PersistenceProbe(GatewayConnections gateway, String token, StepMetrics metrics) {
        this.gateway = gateway;
        this.base = "/api/sessions/";
        this.authorization = "Bearer " + token;
        this.metrics = metrics;
    }

    void watch(SentMessage m, long acceptedAt) {
        // The user's row carries exactly the text sent; the reply's is "#k: " + text, so it cannot match.
        if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
            inFlight.decrementAndGet();
            metrics.probesSkipped.incrementAndGet();
            return;
        }
        String needle = "\"text\":" + TextNode.valueOf(m.text());
        if (closed) {  // an answer after the step ended: nothing is measured any more
            inFlight.decrementAndGet();
            return;
        }
        gateway.vertx.setTimer(FIRST_POLL_MILLIS, t -> poll(m, needle, acceptedAt));
    }

    private void poll(SentMessage m, String needle, long acceptedAt) {
        if (closed) {
            inFlight.decrementAndGet();
            return;
        }
        long askedAt = System.nanoTime();
        gateway.ask(HttpMethod.GET, base + m.session.id + "/history?limit=500", authorization, 10_000)
                .map(answer -> answer.status() == 200 && answer.body().toString().contains(needle))
                .onComplete(found -> {
                    if (found.succeeded() && found.result()) {
                        metrics.persistenceLag.recordNanos(askedAt - acceptedAt);
                        inFlight.decrementAndGet();
                    } else if (System.nanoTime() - acceptedAt < GIVE_UP_NANOS && !closed) {
                        gateway.vertx.setTimer(POLL_MILLIS, t -> poll(m, needle, acceptedAt));
                    } else {
                        metrics.probesUnseen.incrementAndGet();
                        inFlight.decrementAndGet();
                    }
                });
    }

    @Override
    public void close() {
        closed = true;
    }
}
