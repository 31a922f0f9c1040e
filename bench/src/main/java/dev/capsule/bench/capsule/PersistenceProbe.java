package dev.capsule.bench.capsule;

import com.fasterxml.jackson.databind.node.TextNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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

    private final HttpClient client;
    private final String base;
    private final String authorization;
    private final StepMetrics metrics;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-persistence-probe");
        t.setDaemon(true);
        return t;
    });

    PersistenceProbe(HttpClient client, String gatewayHttp, String token, StepMetrics metrics) {
        this.client = client;
        this.base = gatewayHttp + "/api/sessions/";
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
        if (timer.isShutdown()) {  // an answer after the step ended: nothing is measured any more
            inFlight.decrementAndGet();
            return;
        }
        timer.schedule(() -> poll(m, needle, acceptedAt), FIRST_POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void poll(SentMessage m, String needle, long acceptedAt) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + m.session.id + "/history?limit=500"))
                .header("Authorization", authorization).timeout(Duration.ofSeconds(10)).GET().build();
        long askedAt = System.nanoTime();
        client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
            if (failure == null && response.statusCode() == 200 && response.body().contains(needle)) {
                metrics.persistenceLag.recordNanos(askedAt - acceptedAt);
                inFlight.decrementAndGet();
            } else if (System.nanoTime() - acceptedAt < GIVE_UP_NANOS && !timer.isShutdown()) {
                timer.schedule(() -> poll(m, needle, acceptedAt), POLL_MILLIS, TimeUnit.MILLISECONDS);
            } else {
                metrics.probesUnseen.incrementAndGet();
                inFlight.decrementAndGet();
            }
        });
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
