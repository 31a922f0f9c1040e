package dev.capsule.bench.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capsule.bench.Settings;
import dev.capsule.events.EventCodec;
import dev.capsule.events.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Faults that are bad input rather than broken processes: records no producer of Capsule's would write,
 * requests and frames no client should send, webhooks nobody signed. Each expects a clear refusal (a
 * 4xx, an error frame, a close code with a reason, a dead letter) and the stack serving the load as
 * before; an answer other than the expected one is a problem of the row.
 */
final class Probes {

    private final Settings settings;
    private final HttpClient client;
    private final List<String> problems;

    Probes(Settings settings, HttpClient client, List<String> problems) {
        this.settings = settings;
        this.client = client;
        this.problems = problems;
    }

    /**
     * Writes unreadable records to every topic a service consumes, keyed by a session of the load (so that
     * they sit in its partition, in front of its next messages) and unkeyed: bytes that are not JSON, JSON
     * of no event type, an event type with its fields missing, a type header that lies about the body.
     */
    void poisonEveryTopic(String liveSession) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafka(),
                ProducerConfig.CLIENT_ID_CONFIG, "capsule-chaos-poison"), new ByteArraySerializer(), new ByteArraySerializer())) {
            List<byte[]> bodies = List.of(
                    bytes("not JSON at all \u0000\u0001"),
                    bytes("{\"no\":\"type\"}"),
                    bytes("{\"type\":\"message\",\"schemaVersion\":\"1.0\"}"),
                    bytes("{\"type\":\"no.such.event\",\"eventId\":\"x\",\"schemaVersion\":\"9.9\",\"sessionId\":\"" + liveSession + "\"}"),
                    bytes("[1,2,3]"),
                    new byte[0]);
            for (String topic : List.of(Topics.INBOUND, Topics.OUTBOUND, Topics.OUTBOUND_CHANNELS, Topics.CHANGES)) {
                for (byte[] body : bodies) {
                    for (byte[] key : new byte[][] {bytes(liveSession), null}) {
                        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key, body);
                        record.headers().add(Topics.TYPE_HEADER, bytes("reply")); // a header that lies about the body
                        producer.send(record).get(30, TimeUnit.SECONDS);
                        producer.send(new ProducerRecord<>(topic, key, body)).get(30, TimeUnit.SECONDS);
                    }
                }
            }
        }
    }

    /** Bodies and frames no client should send: each must be refused with a 4xx or an error, never a 5xx. */
    void malformedInput(String liveSession) throws Exception {
        String messages = settings.gatewayHttp() + "/api/sessions/" + liveSession + "/messages";
        Map<String, String> bodies = Map.of(
                "not JSON", "hello there",
                "JSON without text", "{\"message\":\"hi\"}",
                "a text that is a number", "{\"text\":42}",
                "a NUL in the text", "{\"text\":\"a\\u0000b\"}",
                "an array", "[\"hi\"]",
                "a body over the limit", "{\"text\":\"" + "x".repeat(40_000) + "\"}",
                "an empty body", "");
        for (var b : bodies.entrySet()) {
            for (String accept : List.of("application/json", "text/event-stream")) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(messages))
                        .header("Authorization", "Bearer " + settings.token()).header("Content-Type", "application/json")
                        .header("Accept", accept).timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(b.getValue())).build(), HttpResponse.BodyHandlers.ofString());
                expect4xx(r, b.getKey() + " (" + accept + ")");
            }
        }
        HttpResponse<String> badId = client.send(HttpRequest.newBuilder(URI.create(settings.gatewayHttp() + "/api/sessions/a%20b%3Cc%3E/messages"))
                .header("Authorization", "Bearer " + settings.token()).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"hi\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        expect4xx(badId, "a session id with spaces and brackets");
        HttpResponse<String> noToken = client.send(HttpRequest.newBuilder(URI.create(messages)).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"hi\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        expect4xx(noToken, "a message without a token");
        chatFrames(liveSession);
    }

    private void chatFrames(String liveSession) throws Exception {
        List<String> frames = new CopyOnWriteArrayList<>();
        CompletableFuture<String> closed = new CompletableFuture<>();
        WebSocket socket = client.newWebSocketBuilder().header("Authorization", "Bearer " + settings.token())
                .buildAsync(URI.create(settings.gatewayWs() + "/ws/chat"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        frames.add(data.toString());
                        ws.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
                        closed.complete(status + " " + reason);
                        return null;
                    }
                }).get(30, TimeUnit.SECONDS);
        List<String> bad = List.of("not JSON", "{}", "{\"type\":\"nonsense\"}", "{\"type\":\"message\",\"sessionId\":\"" + liveSession + "\"}",
                "{\"type\":\"message\",\"sessionId\":\"" + liveSession + "\",\"text\":{\"nested\":true}}",
                "{\"type\":\"resume\",\"sessionId\":\"" + liveSession + "\",\"after\":\"yesterday\"}", "[]", "null");
        for (String frame : bad) {
            socket.sendText(frame, true).get(10, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (frames.stream().filter(f -> f.contains("\"error\"")).count() < bad.size() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        long errors = frames.stream().filter(f -> f.contains("\"type\":\"error\"")).count();
        if (errors != bad.size()) {
            problems.add("the chat socket answered " + errors + " error frames to " + bad.size() + " bad ones: " + frames);
        }
        // Over the frame limit (1 MiB): the socket is closed with a code that says why, the gateway goes on.
        socket.sendText("x".repeat(2 * 1024 * 1024), true).exceptionally(e -> null);
        String why = closed.completeOnTimeout("not closed", 15, TimeUnit.SECONDS).get();
        if (!why.startsWith("1009") && !why.startsWith("1008")) {
            problems.add("a 2 MiB chat frame: expected the socket closed with 1009, got " + why);
        }
    }

    /** Webhooks without a signature, and with a wrong one, on each demo channel: 401 each, nothing taken. */
    void unsignedWebhooks() throws Exception {
        String base = "http://127.0.0.1:" + settings.servicePorts().get("channel-adapters") + "/channels/";
        String update = "{\"update_id\":990001,\"message\":{\"message_id\":1,\"date\":1,\"chat\":{\"id\":4242,\"type\":\"private\"},"
                + "\"from\":{\"id\":4242,\"is_bot\":false,\"first_name\":\"Mallory\"},\"text\":\"let me in\"}}";
        List<HttpRequest> forged = new ArrayList<>();
        forged.add(post(base + "demo-telegram/webhook", update, Map.of()));
        forged.add(post(base + "demo-telegram/webhook", update, Map.of("X-Telegram-Bot-Api-Secret-Token", "guessed")));
        String slack = "{\"type\":\"event_callback\",\"event_id\":\"Ev990001\",\"event\":{\"type\":\"message\",\"channel\":\"C1\","
                + "\"user\":\"U1\",\"text\":\"let me in\",\"ts\":\"1.1\"}}";
        forged.add(post(base + "demo-slack/webhook", slack, Map.of()));
        forged.add(post(base + "demo-slack/webhook", slack, Map.of("X-Slack-Request-Timestamp", String.valueOf(System.currentTimeMillis() / 1000),
                "X-Slack-Signature", "v0=" + "0".repeat(64))));
        String whatsapp = "{\"object\":\"whatsapp_business_account\",\"entry\":[]}";
        forged.add(post(base + "demo-whatsapp/webhook", whatsapp, Map.of()));
        forged.add(post(base + "demo-whatsapp/webhook", whatsapp, Map.of("X-Hub-Signature-256", "sha256=" + "0".repeat(64))));
        for (HttpRequest request : forged) {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 401) {
                problems.add("a forged webhook to " + request.uri().getPath() + " " + request.headers().map().keySet()
                        + " answered " + r.statusCode() + " (expected 401): " + r.body());
            }
        }
    }

    /**
     * A session of its own asks the demo app for a reply and then a session state of 2 MiB, past what Kafka takes in
     * one record: each turn must end as {@code turn.failed} ({@code turn_failed}) after its tries, and the session go
     * on with its next message as its first turn (a failed turn's data changes are dropped).
     */
    void oversized() throws Exception {
        String session = "chaos-oversized-" + System.currentTimeMillis();
        for (String what : List.of("reply", "state")) {
            JsonNode failed = lastEvent(sendAndWait(session, "/oversized " + what));
            if (!"turn.failed".equals(failed.path("type").asText()) || !"turn_failed".equals(failed.path("error").asText())) {
                problems.add("an oversized " + what + " ended its turn with " + failed + ", not turn.failed (turn_failed)");
            }
        }
        JsonNode after = sendAndWait(session, "after the oversized turns");
        boolean answered = false;
        for (JsonNode event : after.path("events")) {
            answered |= "reply".equals(event.path("type").asText()) && "#1: after the oversized turns".equals(event.path("text").asText());
        }
        if (!answered) {
            problems.add("the session did not go on after its oversized turns as its turn 1: " + after);
        }
    }

    /** Sends {@code text} into {@code session} and answers the turn's events (the JSON response of the API). */
    private JsonNode sendAndWait(String session, String text) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(settings.gatewayHttp() + "/api/sessions/" + session + "/messages"))
                .header("Authorization", "Bearer " + settings.token()).header("Content-Type", "application/json")
                .header("Accept", "application/json").timeout(Duration.ofSeconds(90))
                .POST(HttpRequest.BodyPublishers.ofString(EventCodec.mapper().createObjectNode().put("text", text).toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("'" + text + "' was answered " + r.statusCode() + ": " + r.body());
        }
        return EventCodec.mapper().readTree(r.body());
    }

    private static JsonNode lastEvent(JsonNode answer) {
        JsonNode events = answer.path("events");
        return events.isEmpty() ? events : events.get(events.size() - 1);
    }

    /**
     * One session floods: {@code count} streamed answers asked for as fast as 50 connections can (see
     * {@link FloodClient}). The gateway's per-session rate limit refuses most (429); those it takes queue on that
     * session's lane alone. Answers how many were taken and refused.
     *
     * <p>The flood runs in a process of its own at the lowest CPU priority ({@code nice -n 19}): a flooding user's
     * client runs on their machine, not on the stack's. On this one the flood's own client (500 requests in half a
     * second) took most of the 2 cores the stack and the load share, and the others' p99 measured that, not what the
     * gateway spends refusing the flood. The stack still gets every request as soon as the client can send it.
     */
    int[] flood(String session, int count) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder launch = new ProcessBuilder("nice", "-n", "19", java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), FloodClient.class.getName(),
                settings.gatewayHttp(), session, Integer.toString(count)).redirectErrorStream(true);
        launch.environment().put(FloodClient.TOKEN_VARIABLE, settings.token());
        Process client = launch.start();
        String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!client.waitFor(2, TimeUnit.MINUTES) || client.exitValue() != 0) {
            throw new IllegalStateException("the flood's client failed: " + output);
        }
        String[] counts = output.lines().reduce((first, last) -> last).orElse("").split(" ");
        return new int[] {Integer.parseInt(counts[0]), Integer.parseInt(counts[1])};
    }

    private HttpRequest post(String url, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return b.build();
    }

    private void expect4xx(HttpResponse<String> r, String what) {
        if (r.statusCode() < 400 || r.statusCode() >= 500) {
            problems.add(what + ": expected a 4xx, got " + r.statusCode() + " " + r.body().lines().findFirst().orElse(""));
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
