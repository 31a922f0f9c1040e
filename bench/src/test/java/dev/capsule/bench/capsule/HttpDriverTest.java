package dev.capsule.bench.capsule;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static dev.capsule.bench.capsule.DriverFixture.message;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP driver against a stand-in for the gateway's message endpoint, answering as the gateway
 * does: the demo app's numbered reply and the turn's end, as server-sent events after
 * {@code accepted} or as one JSON answer; a 429 for the first message of a session named "refused".
 */
class HttpDriverTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final Map<String, Integer> received = new ConcurrentHashMap<>();
    private final StandInGateway answers = new StandInGateway();
    private DriverFixture stand;
    private GatewayConnections gateway;

    @BeforeEach
    void start() throws Exception {
        stand = new DriverFixture(this::answer, socket -> socket.close());
        gateway = stand.connections;
    }

    @AfterEach
    void stop() throws Exception {
        stand.close();
    }

    @Test
    void eachTransportsAnswersAreCountedAndASessionsMessagesLeaveOneAfterAnother() throws Exception {
        for (Transport transport : List.of(Transport.HTTP, Transport.HTTP_JSON)) {
            StepMetrics metrics = new StepMetrics();
            SessionLedger session = new SessionLedger(transport.key(), transport, metrics);
            List<SentMessage> messages = List.of(message(session, 1), message(session, 2), message(session, 3));
            HttpDriver driver = new HttpDriver(gateway, "token", metrics, new PersistenceProbe(gateway, "token", metrics));
            stand.sendAll(messages, driver::submit);
            await().atMost(WAIT).untilAsserted(() -> assertEquals(3, metrics.answered.get(), transport + ": every turn answered"));
            assertEquals(0, metrics.errors.get() + metrics.outOfOrder.get() + metrics.duplicated.get() + session.seqHoles(),
                    transport + ": nothing out of order, doubled, missing or failed; first error: " + metrics.firstError.get());
            assertTrue(session.allAnswered(), transport + ": every message answered");
        }
    }

    @Test
    void aRefusedMessageIsCountedAndTheSessionsNextStillLeaves() throws Exception {
        StepMetrics metrics = new StepMetrics();
        SessionLedger session = new SessionLedger("refused", Transport.HTTP, metrics);
        SentMessage first = message(session, 1);
        SentMessage second = message(session, 2);
        HttpDriver driver = new HttpDriver(gateway, "token", metrics, new PersistenceProbe(gateway, "token", metrics));
        stand.sendAll(List.of(first, second), driver::submit);
        await().atMost(WAIT).untilAsserted(() ->
                assertEquals(2, received.get("refused"), "the second message left after the first was refused"));
        assertTrue(first.refused, "the refused message is marked so");
        assertEquals(1, metrics.errors.get(), "the 429 is counted as an error");
    }

    /** The stand-in's answers, but a 429 for the first message of the session "refused". */
    private void answer(HttpServerRequest request) {
        String sessionId = request.path().split("/")[3];
        int n = received.merge(sessionId, 1, Integer::sum);
        if (sessionId.equals("refused") && n == 1) {
            request.response().setStatusCode(429).end("{\"error\":\"too many\"}");
        } else {
            answers.answer(request);
        }
    }
}
