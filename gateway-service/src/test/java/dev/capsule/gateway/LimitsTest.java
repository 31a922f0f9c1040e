package dev.capsule.gateway;

import static dev.capsule.gateway.Gateway.as;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capsule.events.EventCodec;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.websockets.next.BasicWebSocketConnector;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketClientConnection;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Limits, small here (1 message a second per session with a burst of 2, 2 sockets per user, 2 sessions per
 * socket): one too many gets a clear refusal, 429 or a close with the reason, and the rest goes on.
 */
@QuarkusTest
@TestProfile(LimitsTest.SmallLimits.class)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class LimitsTest {

    public static final class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("capsule.gateway.limits.messages-per-second-per-session", "1",
                    "capsule.gateway.limits.sockets-per-user", "2",
                    "capsule.gateway.limits.sessions-per-socket", "2");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @BeforeEach
    void ready() {
        Gateway.awaitReady();
    }

    @Test
    void aSessionPastItsMessageRateGets429WithRetryAfterAndOtherSessionsGoOn() {
        String flooded = Gateway.newSessionId();
        as("ana").body("{\"text\":\"one\"}").post("/api/sessions/{id}/messages", flooded).then().statusCode(200);
        as("ana").body("{\"text\":\"two\"}").post("/api/sessions/{id}/messages", flooded).then().statusCode(200);
        as("ana").body("{\"text\":\"three\"}").post("/api/sessions/{id}/messages", flooded).then().statusCode(429)
                .header("Retry-After", "1").body("error", containsString("takes at most 1 a second"));
        // Asking for server-sent events, the refusal comes before the stream: its own status, and the JSON error.
        String streamed = Gateway.newSessionId();
        as("ana").body("{\"text\":\"one\"}").post("/api/sessions/{id}/messages", streamed).then().statusCode(200);
        as("ana").body("{\"text\":\"two\"}").post("/api/sessions/{id}/messages", streamed).then().statusCode(200);
        as("ana").accept("text/event-stream").body("{\"text\":\"three\"}").post("/api/sessions/{id}/messages", streamed)
                .then().statusCode(429).header("Retry-After", "1").body("error", containsString("takes at most 1 a second"));
        as("ana").body("{\"text\":\"elsewhere\"}").post("/api/sessions/{id}/messages", Gateway.newSessionId()).then().statusCode(200);
    }

    @Test
    void aUsersThirdSocketClosesWithTheReasonAndASocketFollowsAtMostTwoSessions() {
        List<JsonNode> frames = new CopyOnWriteArrayList<>();
        WebSocketClientConnection first = connect("bo", frames, new AtomicReference<>());
        WebSocketClientConnection second = connect("bo", new CopyOnWriteArrayList<>(), new AtomicReference<>());
        AtomicReference<CloseReason> refused = new AtomicReference<>();
        connect("bo", new CopyOnWriteArrayList<>(), refused);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> refused.get() != null);
        assertEquals(1008, refused.get().getCode());
        assertTrue(refused.get().getMessage().startsWith("too many chat sockets"), refused.get().getMessage());

        for (int i = 0; i < 3; i++) {
            first.sendTextAndAwait(EventCodec.mapper().createObjectNode().put("type", "message")
                    .put("sessionId", Gateway.newSessionId()).put("text", "hi").toString());
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15))
                .until(() -> frames.stream().anyMatch(f -> f.path("type").asText().equals("error")));
        JsonNode error = frames.stream().filter(f -> f.path("type").asText().equals("error")).findFirst().orElseThrow();
        assertEquals(429, error.path("status").asInt());
        assertTrue(error.path("message").asText().contains("follows 2 sessions"), error.toString());

        second.closeAndAwait();
        AtomicReference<CloseReason> again = new AtomicReference<>();
        WebSocketClientConnection third = connect("bo", new CopyOnWriteArrayList<>(), again);
        assertTrue(third.isOpen() && again.get() == null, "a closed socket makes room for another");
        third.closeAndAwait();
        first.closeAndAwait();
    }

    private WebSocketClientConnection connect(String user, List<JsonNode> frames, AtomicReference<CloseReason> closed) {
        return BasicWebSocketConnector.create().baseUri(base).addHeader("Authorization", "Bearer " + Gateway.token(user))
                .path("/ws/chat").executionModel(BasicWebSocketConnector.ExecutionModel.NON_BLOCKING)
                .onTextMessage((c, text) -> frames.add(json(text)))
                .onClose((c, reason) -> closed.set(reason))
                .connectAndAwait();
    }

    private static JsonNode json(String text) {
        try {
            return EventCodec.mapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(text, e);
        }
    }
}
