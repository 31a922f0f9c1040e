package dev.capsule.gateway;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.awaitility.Awaitility.await;

import dev.capsule.testing.Fuzz;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the gateway's inputs (issue 16): generated API requests (message bodies, content types, session ids, query
 * parameters) and chat frames, from one seed that the output prints. No answer may be 500 or above, no socket may be
 * dropped for what it was sent, and afterwards the gateway is ready and answers a message. The suite sends 5,000
 * requests and 3,000 frames; {@code ./capsule fuzz} sends 30,000 and 15,000 ({@code -Dcapsule.fuzz.api-inputs},
 * {@code -Dcapsule.fuzz.frame-inputs}).
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class FuzzTest {

    static final int API_INPUTS = Integer.getInteger("capsule.fuzz.api-inputs", 5_000);
    static final int FRAME_INPUTS = Integer.getInteger("capsule.fuzz.frame-inputs", 3_000);
    static final List<String> MESSAGES = List.of("{\"text\":\"hello\"}", "{\"text\":\"/stream\"}",
            "{\"action\":{\"value\":\"done\",\"label\":\"Mark done\"}}");

    @TestHTTPResource("/")
    URI base;

    /** One generated request; its toString is what a failure reports. */
    record Request(String method, String path, String contentType, String accept, byte[] body) {
        @Override
        public String toString() {
            return method + " " + path + " (Content-Type " + contentType + ", Accept " + accept + "): "
                    + new String(body, StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}", "?");
        }
    }

    @Test
    void generatedApiRequestsAreNeverAnsweredWith500OrAbove() throws Exception {
        Gateway.awaitReady();
        Fuzz fuzz = Fuzz.of("gateway API");
        List<Request> requests = fuzz.draw(requests(), API_INPUTS);
        String token = Gateway.token("fuzzer");
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            fuzz.sendAll(requests, 16, r -> send(client, token, r, fuzz));
        }
        assertEquals(List.of(), fuzz.report(), "answers of 500 or above (seed and inputs above)");
        stillServes();
    }

    private void send(HttpClient client, String token, Request r, Fuzz fuzz) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(r.path())).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token)
                .method(r.method(), r.method().equals("GET") ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(r.body()));
        if (r.contentType() != null) {
            request.header("Content-Type", r.contentType());
        }
        if (r.accept() != null) {
            request.header("Accept", r.accept());
        }
        try {
            fuzz.answered(client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode(), r);
        } catch (java.io.IOException e) {
            fuzz.failed("no answer (" + e + ") to " + r);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Arbitrary<Request> requests() {
        // Mostly fresh sessions, each its own (the per-session rate would refuse most of a small pool), some reused.
        Arbitrary<String> sessions = Arbitraries.frequencyOf(
                Tuple.of(6, Fuzz.ids(n -> "fz-" + n)),
                Tuple.of(1, Arbitraries.integers().between(0, 30).map(n -> "fz-pool-" + n)));
        Arbitrary<String> contentTypes = Arbitraries.of("application/json", "application/json", "text/plain",
                "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1", "");
        Arbitrary<String> accepts = Arbitraries.of("application/json", "application/json", "text/event-stream", "*/*", "text/html", "");
        Arbitrary<String> queryValues = Arbitraries.oneOf(Arbitraries.integers().map(String::valueOf),
                Arbitraries.strings().ofMaxLength(20), Arbitraries.of("-1", "0", "99999999999999999999", "1e3", ""));
        Arbitrary<Request> messages = Combinators.combine(sessions, Fuzz.bodies(MESSAGES), contentTypes, accepts)
                .as((id, body, type, accept) -> new Request("POST", "/api/sessions/" + encode(id) + "/messages",
                        type.isEmpty() ? null : type, accept.isEmpty() ? null : accept, body));
        Arbitrary<Request> creates = Fuzz.bodies(List.of("{\"sessionId\":\"x\"}"))
                .map(body -> new Request("POST", "/api/sessions", "application/json", "application/json", body));
        Arbitrary<Request> cancels = Combinators.combine(sessions, Arbitraries.strings().ofMinLength(1).ofMaxLength(60))
                .as((id, message) -> new Request("POST", "/api/sessions/" + encode(id) + "/messages/" + encode(message) + "/cancel",
                        "application/json", "application/json", new byte[0]));
        Arbitrary<Request> reads = Combinators.combine(sessions, queryValues, queryValues, Arbitraries.of("history", "", "x"))
                .as((id, limit, offset, what) -> new Request("GET", "/api/sessions/" + encode(id) + (what.isEmpty() ? "" : "/" + what)
                        + "?limit=" + encode(limit) + "&offset=" + encode(offset), null, "application/json", new byte[0]));
        Arbitrary<Request> collections = Combinators.combine(Arbitraries.strings().ofMinLength(1).ofMaxLength(40), queryValues, queryValues)
                .as((name, limit, cursor) -> new Request("GET", "/api/collections/" + encode(name) + "?limit=" + encode(limit)
                        + "&cursor=" + encode(cursor), null, "application/json", new byte[0]));
        return Arbitraries.frequencyOf(Tuple.of(14, messages), Tuple.of(1, creates), Tuple.of(1, cancels), Tuple.of(2, reads),
                Tuple.of(2, collections));
    }

    @Test
    void generatedChatFramesNeverDropTheSocketOrAnswer500OrAbove() throws Exception {
        Gateway.awaitReady();
        Fuzz fuzz = Fuzz.of("chat frames");
        String session = Gateway.newSessionId();
        List<String> valid = List.of(
                "{\"type\":\"message\",\"sessionId\":\"" + session + "\",\"text\":\"hello\",\"clientId\":\"c1\"}",
                "{\"type\":\"message\",\"sessionId\":\"" + session + "\",\"action\":{\"value\":\"done\",\"label\":\"Done\"}}",
                "{\"type\":\"follow\",\"sessionId\":\"" + session + "\"}",
                "{\"type\":\"cancel\",\"sessionId\":\"" + session + "\",\"messageId\":\"m1\"}",
                "{\"type\":\"close\",\"sessionId\":\"" + session + "\"}",
                "{\"type\":\"resume\",\"sessionId\":\"" + session + "\",\"after\":3,\"since\":\"2026-01-02T03:04:05Z\"}");
        List<String> frames = fuzz.draw(Fuzz.bodies(valid).map(b -> new String(b, StandardCharsets.UTF_8)), FRAME_INPUTS);
        // Four sockets of one user, each sent its share of the frames back to back (a socket takes one send at a time).
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            sockets.add(Socket.open(base, Gateway.token("frame-fuzzer")));
        }
        // Frame n goes to socket n mod 4; a socket takes one send at a time, so each sends under a lock of its own.
        List<Integer> indexes = java.util.stream.IntStream.range(0, frames.size()).boxed().toList();
        fuzz.sendAll(indexes, sockets.size() * 2, n -> {
            Socket socket = sockets.get(n % sockets.size());
            synchronized (socket) {
                socket.send(frames.get(n));
            }
        });
        for (Socket socket : sockets) {
            // Every frame before this one has been handled once it is answered (a socket's frames are handled in order).
            socket.sendAndAwaitTurnEnd(Gateway.newSessionId());
            // Each error frame says why with a status below 500.
            for (String received : socket.received) {
                if (received.contains("\"type\":\"error\"")) {
                    // (?s): an echoed session id may hold a line separator (U+2028, U+0085), which JSON leaves as it is.
                    fuzz.answered(Integer.parseInt(received.replaceAll("(?s).*\"status\":(\\d+).*", "$1")), received);
                }
            }
            if (socket.closed.isDone()) {
                fuzz.failed("a socket was closed: " + socket.closed.getNow(null));
            }
        }
        assertEquals(List.of(), fuzz.report(), "sockets dropped or errors of 500 or above (seed and inputs above)");
        stillServes();
    }

    /** The gateway is ready, and a message sent now is answered. */
    private static void stillServes() {
        Gateway.awaitReady();
        Gateway.as("after-fuzz").body("{\"text\":\"still there?\"}").post("/api/sessions/{id}/messages", Gateway.newSessionId())
                .then().statusCode(200);
        assertEquals(200, given().get("/q/health/ready").statusCode());
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A chat socket on the JDK's client: every frame it receives, and how it closed. */
    private static final class Socket implements WebSocket.Listener {
        final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket webSocket;

        static Socket open(URI base, String token) throws Exception {
            Socket socket = new Socket();
            URI uri = URI.create(base.toString().replaceFirst("^http", "ws")).resolve("/ws/chat");
            socket.webSocket = HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", "Bearer " + token)
                    .buildAsync(uri, socket).get(30, TimeUnit.SECONDS);
            return socket;
        }

        void send(String frame) {
            try {
                webSocket.sendText(frame, true).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("a frame could not be sent (the socket closed?): " + frame, e);
            }
        }

        void sendAndAwaitTurnEnd(String session) {
            send("{\"type\":\"message\",\"sessionId\":\"" + session + "\",\"text\":\"still there?\"}");
            await().atMost(Duration.ofSeconds(60)).alias("a turn.ended for a message sent after the fuzzing")
                    .until(() -> received.stream().anyMatch(f -> f.contains("\"turn.ended\"") && f.contains(session)));
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete("error: " + error);
        }
    }
}
