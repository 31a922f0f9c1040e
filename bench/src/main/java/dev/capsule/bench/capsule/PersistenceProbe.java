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
 * message, first {@value #FIRST_POLL_MILLIS} ms apart, then each wait twice the last, up to
 * {@value #LAST_POLL_MILLIS} ms; the lag counts to the start of the poll that found it, so it errs
 * high, by at most one wait. The back-off and the cap on probes in flight keep the probe's own
 * requests from loading the gateway when the lag grows: the benchmark must not be the load it finds.
 */
final class PersistenceProbe implements AutoCloseable {

    static final long FIRST_POLL_MILLIS = 5;
    static final long LAST_POLL_MILLIS = 100;
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
        poll(m, needle, acceptedAt, FIRST_POLL_MILLIS);
    }

    private void poll(SentMessage m, String needle, long acceptedAt, long waitMillis) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + m.session.id + "/history?limit=500"))
                .header("Authorization", authorization).timeout(Duration.ofSeconds(10)).GET().build();
        long askedAt = System.nanoTime();
        client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
            if (failure == null && response.statusCode() == 200 && response.body().contains(needle)) {
                metrics.persistenceLag.recordNanos(askedAt - acceptedAt);
                inFlight.decrementAndGet();
            } else if (System.nanoTime() - acceptedAt < GIVE_UP_NANOS && !timer.isShutdown()) {
                timer.schedule(() -> poll(m, needle, acceptedAt, Math.min(LAST_POLL_MILLIS, 2 * waitMillis)),
                        waitMillis, TimeUnit.MILLISECONDS);
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
