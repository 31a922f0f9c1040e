package dev.capsule.bench.capsule;

import dev.capsule.bench.capsule.GatewayConnections.Answer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Closes a step's sessions once the step is judged ({@code DELETE /api/sessions/{id}}), and waits until a sample of them
 * reads closed. Left open, they would be closed by the idle sweep half an hour later (capsule.session.idle-timeout): a
 * stream of {@code exit()} turns inside whatever the stack is measured for then, a later step of a later run. On 2026-12-01,
 * before the sweep had a pace, a run's step at 50 msg/s broke at p99 106 ms while it closed 2,000 sessions a minute of runs
 * half an hour before (docs/performance.md). Paced now (capsule.session.idle-closes-per-second), those closes would still
 * land in a later run, a hundred a second; closed here, between steps, they cost no measured step anything.
 */
final class SessionCloser {

    /** Closes in flight at once: enough to close a step's thousands in seconds, few enough not to queue in the gateway. */
    private static final int CONCURRENT = 32;
    /** Sessions whose status is read until they show closed: their closes are folded, and the others' with them. */
    private static final int SAMPLE = 20;

    /**
     * How many sessions were asked to close, how many of those the gateway refused or left unanswered, and whether the
     * sample read closed in time.
     */
    record Result(int asked, int refused, boolean folded) {
    }

    private final GatewayConnections gateway;
    private final String authorization;

    SessionCloser(GatewayConnections gateway, String token) {
        this.gateway = gateway;
        this.authorization = "Bearer " + token;
    }

    Result close(List<SessionLedger> sessions, Duration wait) throws InterruptedException {
        int refused = 0;
        for (int from = 0; from < sessions.size(); from += CONCURRENT) {
            List<CompletableFuture<Answer>> closes = sessions.subList(from, Math.min(sessions.size(), from + CONCURRENT))
                    .stream().map(s -> exchange(HttpMethod.DELETE, s.id)).toList();
            for (CompletableFuture<Answer> close : closes) {
                if (close.join().status() != 202) {
                    refused++;
                }
            }
        }
        // The last ones asked among the sample: when they read closed, the closes asked before them are done too, or nearly.
        List<SessionLedger> pending = new ArrayList<>();
        int every = Math.max(1, sessions.size() / SAMPLE);
        for (int i = sessions.size() - 1; i >= 0 && pending.size() < SAMPLE; i -= every) {
            pending.add(sessions.get(i));
        }
        long deadline = System.nanoTime() + wait.toNanos();
        while (!pending.isEmpty() && System.nanoTime() < deadline) {
            List<SessionLedger> open = new ArrayList<>();
            for (SessionLedger session : pending) {
                if (!closed(session.id)) {
                    open.add(session);
                }
            }
            pending = open;
            if (!pending.isEmpty()) {
                Thread.sleep(200);
            }
        }
        return new Result(sessions.size(), refused, pending.isEmpty());
    }

    private boolean closed(String sessionId) {
        Answer answer = exchange(HttpMethod.GET, sessionId).join();
        return answer.status() == 200 && answer.body().toString().contains("\"status\":\"closed\"");
    }

    /** What the gateway answered {@code method} on the session (status 0 when no answer came). */
    private CompletableFuture<Answer> exchange(HttpMethod method, String sessionId) {
        return gateway.onLoop(() -> gateway.ask(method, "/api/sessions/" + sessionId, authorization, 30_000))
                .otherwise(new Answer(0, Buffer.buffer()))
                .toCompletionStage().toCompletableFuture();
    }
}
