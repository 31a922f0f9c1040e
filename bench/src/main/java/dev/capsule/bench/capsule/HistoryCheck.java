package dev.capsule.bench.capsule;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capsule.events.EventCodec;
import java.io.IOException;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Reads back the history of a sample of sessions once a step is over, and compares it with what
 * was sent: each message once, in sending order, and one kept answer per turn (a reply, or the
 * whole stream). The read model is folded asynchronously, so the check retries until it matches
 * or the wait is over; what still differs then is counted.
 */
final class HistoryCheck {

    /** missing, doubled, misordered: what differs once the wait is over. */
    record Result(long missing, long doubled, long misordered) {
    }

    private static final int CONCURRENT_READS = 4;

    private final GatewayConnections gateway;
    private final String base;
    private final String authorization;

    HistoryCheck(GatewayConnections gateway, String token) {
        this.gateway = gateway;
        this.base = "/api/sessions/";
        this.authorization = "Bearer " + token;
    }

    Result check(List<SessionLedger> sample, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        List<SessionLedger> pending = new ArrayList<>(sample);
        List<long[]> last = new ArrayList<>();
        while (true) {
            List<SessionLedger> again = new ArrayList<>();
            last.clear();
            // A few reads at a time: a burst of hundreds would measure the gateway's pools, not the history.
            for (int from = 0; from < pending.size(); from += CONCURRENT_READS) {
                List<SessionLedger> batch = pending.subList(from, Math.min(pending.size(), from + CONCURRENT_READS));
                List<CompletableFuture<long[]>> reads = batch.stream().map(this::compare).toList();
                for (int i = 0; i < reads.size(); i++) {
                    long[] diff = reads.get(i).join();
                    if (diff[0] + diff[1] + diff[2] > 0) {
                        again.add(batch.get(i));
                        last.add(diff);
                    }
                }
            }
            pending = again;
            if (pending.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(500);
        }
        long missing = 0, doubled = 0, misordered = 0;
        for (long[] d : last) {
            missing += d[0];
            doubled += d[1];
            misordered += d[2];
        }
        return new Result(missing, doubled, misordered);
    }

    private CompletableFuture<long[]> compare(SessionLedger session) {
        int sent = session.messages.size();
        return gateway.onLoop(() -> gateway.ask(HttpMethod.GET, base + session.id + "/history?limit=500", authorization, 30_000)
                .map(answer -> {
                    if (answer.status() != 200) {
                        return new long[] {2L * sent, 0, 0};
                    }
                    try {
                        return differences(session, EventCodec.mapper().readTree(answer.body().getBytes()));
                    } catch (IOException e) {
                        return new long[] {2L * sent, 0, 0};
                    }
                })
                .otherwise(failure -> new long[] {2L * sent, 0, 0}))
                .toCompletionStage().toCompletableFuture();
    }

    static long[] differences(SessionLedger session, JsonNode page) {
        List<String> userTexts = new ArrayList<>();
        int answers = 0;
        for (JsonNode m : page.path("messages")) {
            if ("user".equals(m.path("role").asText())) {
                userTexts.add(m.path("text").asText());
            } else {
                answers++;
            }
        }
        List<String> sentTexts = session.messages.stream().map(SentMessage::text).toList();
        int sent = sentTexts.size();
        long missing = Math.max(0, sent - userTexts.size()) + Math.max(0, sent - answers);
        long doubled = Math.max(0, userTexts.size() - sent) + Math.max(0, answers - sent);
        long misordered = userTexts.size() == sent && !userTexts.equals(sentTexts) ? 1 : 0;
        return new long[] {missing, doubled, misordered};
    }
}
