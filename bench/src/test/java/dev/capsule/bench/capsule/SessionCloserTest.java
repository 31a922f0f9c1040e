package dev.capsule.bench.capsule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Closing a step's sessions against a stand-in for the gateway's session endpoints: a DELETE is answered 202 and the session
 * reads closed from then on, as the read model shows it once the close is folded; a session named "kept" is refused (403).
 */
class SessionCloserTest {

    private final Set<String> deleted = ConcurrentHashMap.newKeySet();
    private volatile boolean folds = true;

    @Test
    void everySessionOfTheStepIsAskedToCloseAndTheCloseIsWaitedFor() throws Exception {
        try (DriverFixture stand = new DriverFixture(this::answer, socket -> socket.close())) {
            StepMetrics metrics = new StepMetrics();
            List<SessionLedger> sessions = IntStream.range(0, 150)
                    .mapToObj(i -> new SessionLedger("s-" + i, Transport.HTTP_JSON, metrics)).toList();
            SessionCloser.Result closed = new SessionCloser(stand.connections, "token").close(sessions, Duration.ofSeconds(10));
            assertEquals(150, deleted.size(), "every session was asked to close");
            assertEquals(new SessionCloser.Result(150, 0, true), closed);
        }
    }

    @Test
    void aRefusedCloseAndClosesThatDoNotShowAreReported() throws Exception {
        folds = false;
        try (DriverFixture stand = new DriverFixture(this::answer, socket -> socket.close())) {
            StepMetrics metrics = new StepMetrics();
            List<SessionLedger> sessions = List.of(new SessionLedger("s-1", Transport.HTTP, metrics),
                    new SessionLedger("kept", Transport.HTTP, metrics));
            SessionCloser.Result closed = new SessionCloser(stand.connections, "token").close(sessions, Duration.ofMillis(500));
            assertEquals(1, closed.refused());
            assertFalse(closed.folded(), "the sessions never read closed");
            assertTrue(deleted.contains("s-1"));
        }
    }

    private void answer(HttpServerRequest request) {
        String id = request.path().substring("/api/sessions/".length());
        if (request.method() == HttpMethod.DELETE) {
            if (id.equals("kept")) {
                request.response().setStatusCode(403).end("{\"error\":\"forbidden\"}");
                return;
            }
            deleted.add(id);
            request.response().setStatusCode(202).end("{\"sessionId\":\"" + id + "\"}");
        } else {
            String status = folds && deleted.contains(id) ? "closed" : "open";
            request.response().end("{\"sessionId\":\"" + id + "\",\"status\":\"" + status + "\"}");
        }
    }
}
