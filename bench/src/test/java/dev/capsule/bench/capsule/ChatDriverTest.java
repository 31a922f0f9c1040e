package dev.capsule.bench.capsule;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static dev.capsule.bench.capsule.DriverFixture.message;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The chat driver against a stand-in for the gateway's chat socket: each message frame is answered
 * with the demo app's numbered reply and the turn's end, per session, as the gateway sends them;
 * a message to the session "refused" gets an error frame instead.
 */
class ChatDriverTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<String> authorizations = new ArrayList<>();
    private final StandInGateway answers = new StandInGateway();
    private DriverFixture stand;
    private GatewayConnections gateway;

    @BeforeEach
    void start() throws Exception {
        stand = new DriverFixture(request -> request.response().setStatusCode(404).end(), this::chat);
        gateway = stand.connections;
    }

    @AfterEach
    void stop() throws Exception {
        stand.close();
    }

    @Test
    void sessionsShareSocketsAndEachGetsItsOwnAnswersInOrder() throws Exception {
        StepMetrics metrics = new StepMetrics();
        List<SessionLedger> sessions = new ArrayList<>();
        List<SentMessage> messages = new ArrayList<>();
        for (int s = 0; s < 5; s++) {
            SessionLedger session = new SessionLedger("chat-" + s, Transport.WS, metrics);
            sessions.add(session);
            for (int position = 1; position <= 3; position++) {
                messages.add(message(session, position));
            }
        }
        try (ChatDriver driver = ChatDriver.connect(gateway, "token", sessions, 2, metrics)) {
            stand.sendAll(messages, driver::submit);
            await().atMost(WAIT).untilAsserted(() -> assertEquals(messages.size(), metrics.answered.get(), "every turn answered"));
        }
        assertEquals(0, metrics.errors.get() + metrics.outOfOrder.get() + metrics.duplicated.get(),
                "nothing failed, out of order or doubled; first error: " + metrics.firstError.get());
        sessions.forEach(s -> assertTrue(s.allAnswered(), s.id + " answered"));
        synchronized (authorizations) {
            assertEquals(List.of("Bearer token", "Bearer token", "Bearer token"), authorizations,
                    "five sessions, two to a socket: three sockets, each with the user's token");
        }
    }

    @Test
    void anErrorFrameMarksItsSessionRefused() throws Exception {
        StepMetrics metrics = new StepMetrics();
        SessionLedger refused = new SessionLedger("refused", Transport.WS, metrics);
        SentMessage m = message(refused, 1);
        try (ChatDriver driver = ChatDriver.connect(gateway, "token", List.of(refused), 20, metrics)) {
            stand.sendAll(List.of(m), driver::submit);
            await().atMost(WAIT).untilAsserted(() -> assertEquals(1, metrics.errors.get(), "the error frame is counted"));
        }
        assertTrue(!refused.allAnswered(), "a session with a refused frame is not all answered");
    }

    /** The stand-in's chat socket, but an error frame for the session "refused"; records each socket's token. */
    private void chat(ServerWebSocket socket) {
        synchronized (authorizations) {
            authorizations.add(socket.headers().get("Authorization"));
        }
        socket.textMessageHandler(frame -> {
            JsonObject message = new JsonObject(frame);
            if (message.getString("sessionId").equals("refused")) {
                socket.writeTextMessage(new JsonObject().put("type", "error").put("sessionId", "refused")
                        .put("error", "too many messages").encode());
            } else {
                answers.chatFrame(socket, message);
            }
        });
    }
}
