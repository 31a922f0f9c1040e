package dev.capsule.gateway;

import static dev.capsule.gateway.Gateway.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capsule.events.EventCodec;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.PostgresResource;
import dev.capsule.testing.PrometheusText;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.websockets.next.BasicWebSocketConnector;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketClientConnection;
import io.restassured.http.ContentType;
import dev.capsule.gateway.delivery.Deliveries;
import dev.capsule.gateway.limits.RateLimits;
import jakarta.inject.Inject;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
                    "capsule.gateway.limits.sessions-per-socket", "2",
                    "capsule.gateway.limits.socket-unsent-bytes", "1048576");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Inject
    Deliveries deliveries;

    @Inject
    RateLimits limits;

    @BeforeEach
    void ready() {
        Gateway.awaitReady();
    }

    @Test
    void aSessionPastItsMessageRateGets429WithRetryAfterAndOtherSessionsGoOn() {
        double refusedBefore = refused("messages-per-second-per-session");
        String flooded = Gateway.newSessionId();
        as("ana").body("{\"text\":\"one\"}").post("/api/sessions/{id}/messages", flooded).then().statusCode(200);
        as("ana").body("{\"text\":\"two\"}").post("/api/sessions/{id}/messages", flooded).then().statusCode(200);
        as("ana").body("{\"text\":\"three\"}").post("/api/sessions/{id}/messages", flooded).then().statusCode(429)
                .header("Retry-After", "1").body("error", containsString("takes at most 1 a second"));
        // Over its rate, a message is refused before its body is read: one that is not even JSON gets the 429 too. The
        // bucket is emptied here, not by requests that wait for their turns, so that it gets no token back meanwhile.
        String emptied = Gateway.newSessionId();
        limits.takeMessage(emptied, "ana");
        limits.takeMessage(emptied, "ana");
        as("ana").body("not JSON").post("/api/sessions/{id}/messages", emptied).then().statusCode(429)
                .header("Retry-After", "1").body("error", containsString("takes at most 1 a second"));
        given().contentType(ContentType.JSON).body("{\"text\":\"four\"}").post("/api/sessions/{id}/messages", emptied)
                .then().statusCode(401);
        // Asking for server-sent events, the refusal comes before the stream: its own status, and the JSON error.
        String streamed = Gateway.newSessionId();
        as("ana").body("{\"text\":\"one\"}").post("/api/sessions/{id}/messages", streamed).then().statusCode(200);
        as("ana").body("{\"text\":\"two\"}").post("/api/sessions/{id}/messages", streamed).then().statusCode(200);
        as("ana").accept("text/event-stream").body("{\"text\":\"three\"}").post("/api/sessions/{id}/messages", streamed)
                .then().statusCode(429).header("Retry-After", "1").body("error", containsString("takes at most 1 a second"));
        as("ana").body("{\"text\":\"elsewhere\"}").post("/api/sessions/{id}/messages", Gateway.newSessionId()).then().statusCode(200);
        assertEquals(refusedBefore + 3, refused("messages-per-second-per-session"), "each 429 counted, early or not");
    }

    /** How many times {@code limit} refused, as /q/metrics says. */
    private static double refused(String limit) {
        return PrometheusText.value(given().get("/q/metrics").then().statusCode(200).extract().asString(),
                "capsule_gateway_refused_total\\{limit=\"" + limit + "\"[^}]*}");
    }

    @Test
    void aFrameOverTheSocketsLimitClosesItWith1009AndTheReason() {
        AtomicReference<CloseReason> closed = new AtomicReference<>();
        WebSocketClientConnection socket = connect("cy", new CopyOnWriteArrayList<>(), closed);
        socket.sendTextAndAwait("x".repeat(2 * 1024 * 1024));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> closed.get() != null);
        assertEquals(1009, closed.get().getCode());
        assertTrue(closed.get().getMessage().startsWith("a frame is at most 1048576 bytes"), closed.get().getMessage());
    }

    @Test
    void aUsersThirdSocketClosesWithTheReasonAndASocketFollowsAtMostTwoSessions() {
        double refusedBefore = refused("sockets-per-user");
        List<JsonNode> frames = new CopyOnWriteArrayList<>();
        WebSocketClientConnection first = connect("bo", frames, new AtomicReference<>());
        WebSocketClientConnection second = connect("bo", new CopyOnWriteArrayList<>(), new AtomicReference<>());
        AtomicReference<CloseReason> refused = new AtomicReference<>();
        connect("bo", new CopyOnWriteArrayList<>(), refused);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> refused.get() != null);
        assertEquals(1008, refused.get().getCode());
        assertTrue(refused.get().getMessage().startsWith("too many chat sockets"), refused.get().getMessage());
        assertEquals(refusedBefore + 1, refused("sockets-per-user"));

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

    @Test
    void aSocketWhoseReaderFallsTooFarBehindIsClosedWithTheReason() throws Exception {
        String session = Gateway.newSessionId();
        // A reader that does not read, with a receive buffer too small to hide it: what the gateway cannot write queues up.
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()));
            OutputStream out = socket.getOutputStream();
            out.write(("GET /ws/chat HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort() + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Authorization: Bearer " + Gateway.token("slow") + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String handshake = readHeaders(in);
            assertTrue(handshake.startsWith("HTTP/1.1 101"), handshake);
            out.write(maskedTextFrame(EventCodec.mapper().createObjectNode().put("type", "message").put("sessionId", session)
                    .put("text", "/flood").toString()));

            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !deliveries.wants(session));
            // Reading now, the client finds what was written before the close, then the close with its reason.
            socket.setSoTimeout(30_000);
            byte[] close = closeFramePayload(in);
            assertEquals(1008, ((close[0] & 0xff) << 8) | (close[1] & 0xff));
            String reason = new String(close, 2, close.length - 2, StandardCharsets.UTF_8);
            assertTrue(reason.startsWith("too slow"), reason);
        }
    }

    private static String readHeaders(InputStream in) throws java.io.IOException {
        StringBuilder headers = new StringBuilder();
        while (!headers.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            headers.append((char) b);
        }
        return headers.toString();
    }

    /** A client's frame must be masked (RFC 6455 5.3); this one is masked with zeros, which changes nothing. */
    private static byte[] maskedTextFrame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream frame = new java.io.ByteArrayOutputStream();
        frame.write(0x81);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else {
            frame.write(0x80 | 126);
            frame.write(payload.length >> 8);
            frame.write(payload.length & 0xff);
        }
        frame.writeBytes(new byte[4]);
        frame.writeBytes(payload);
        return frame.toByteArray();
    }

    /** Reads server frames (unmasked) until a close frame, and answers its payload: the code, then the reason. */
    private static byte[] closeFramePayload(InputStream in) throws java.io.IOException {
        DataInputStream data = new DataInputStream(in);
        while (true) {
            int opcode = data.readUnsignedByte() & 0x0f;
            long length = data.readUnsignedByte() & 0x7f;
            if (length == 126) {
                length = data.readUnsignedShort();
            } else if (length == 127) {
                length = data.readLong();
            }
            byte[] payload = data.readNBytes((int) length);
            if (opcode == 0x8) {
                return payload;
            }
        }
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
