package dev.capsule.gateway;

import static dev.capsule.gateway.Gateway.as;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capsule.events.EventCodec;
import dev.capsule.events.InboundMessage;
import dev.capsule.gateway.delivery.Deliveries;
import dev.capsule.gateway.inbound.MessageIntake;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class SessionsApiTest {

    @Inject
    FakeSessionService sessionService;

    @Inject
    Deliveries deliveries;

    @TestHTTPResource("/")
    URI base;

    @BeforeEach
    void ready() {
        Gateway.awaitReady();
    }

    @Test
    void jsonAnswerHoldsTheTurnsReplyAndTurnEndedAfterTheTurnEnds() {
        String session = Gateway.newSessionId();
        String messageId = as("u1").body("{\"text\":\"hello\"}").accept(ContentType.JSON)
                .post("/api/sessions/{id}/messages", session)
                .then().statusCode(200)
                .body("sessionId", equalTo(session))
                .body("events.type", contains("reply", "turn.ended"))
                .body("events.seq", contains(1, 2))
                .body("events[0].text", equalTo("echo: hello"))
                .body("events.sessionId", everyItem(equalTo(session)))
                .extract().path("messageId");
        List<InboundMessage> published = sessionService.received(session);
        assertEquals(1, published.size());
        assertEquals(messageId, published.getFirst().eventId());
        assertEquals("api", published.getFirst().channel());
        assertEquals("u1", published.getFirst().user().id());
    }

    @Test
    void serverSentEventsCarryTheTurnAndTheStreamEndsAfterTurnEnded() throws Exception {
        List<Sse> events = streamed("u1", Gateway.newSessionId(), "{\"text\":\"hello\"}");
        assertEquals(List.of("accepted", "reply", "turn.ended"), events.stream().map(Sse::name).toList());
        assertEquals(events.get(1).data().get("inReplyTo"), events.get(0).data().get("messageId"),
                "the acceptance names the message the turn answers");
        assertEquals("echo: hello", events.get(1).data().get("text").textValue());
        assertEquals(java.util.Arrays.asList(null, "1", "2"), events.stream().map(Sse::id).toList());
    }

    @Test
    void streamChunksArriveInOrderAsServerSentEvents() throws Exception {
        List<Sse> events = streamed("u1", Gateway.newSessionId(), "{\"text\":\"/stream\"}");
        assertEquals("accepted", events.removeFirst().name());
        assertEquals(List.of("stream.chunk", "stream.chunk", "stream.chunk", "stream.end", "turn.ended"),
                events.stream().map(Sse::name).toList());
        assertEquals(List.of(0, 1, 2), events.subList(0, 3).stream().map(e -> e.data().get("index").intValue()).toList());
        assertEquals("one two three", events.subList(0, 3).stream().map(e -> e.data().get("text").textValue())
                .reduce("", String::concat));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), events.stream().map(e -> e.data().get("seq").longValue()).toList());
    }

    @Test
    void withoutATokenIsRefusedWith401AndPublishesNothing() {
        String session = Gateway.newSessionId();
        given().contentType(ContentType.JSON).accept(ContentType.JSON).body("{\"text\":\"hello\"}")
                .post("/api/sessions/{id}/messages", session)
                .then().statusCode(401);
        assertOnlyTheMarkerWasPublished(session, "u1");
    }

    @Test
    void withABadTokenIsRefusedWith401AndPublishesNothing() {
        String session = Gateway.newSessionId();
        for (String token : List.of("not-a-jwt", Gateway.foreignToken("u1"))) {
            given().auth().oauth2(token).contentType(ContentType.JSON).accept(ContentType.JSON)
                    .body("{\"text\":\"hello\"}")
                    .post("/api/sessions/{id}/messages", session)
                    .then().statusCode(401);
        }
        assertOnlyTheMarkerWasPublished(session, "u1");
    }

    @Test
    void anotherUsersSessionIsRefusedWith403AndPublishesNothing() {
        String session = Gateway.newSessionId();
        as("alice").body("{\"text\":\"mine\"}").post("/api/sessions/{id}/messages", session).then().statusCode(200);

        as("bob").body("{\"text\":\"let me in\"}").post("/api/sessions/{id}/messages", session)
                .then().statusCode(403).body("error", containsString("belongs to another user"));

        marker(session, "alice");
        assertEquals(List.of("mine", "marker"), sessionService.received(session).stream().map(InboundMessage::text).toList());
    }

    @Test
    void anotherUsersSessionIsRefusedWith403AlsoWhenAskingForServerSentEvents() throws Exception {
        String session = Gateway.newSessionId();
        as("alice").body("{\"text\":\"mine\"}").post("/api/sessions/{id}/messages", session).then().statusCode(200);

        HttpResponse<String> refused = post("bob", session, "{\"text\":\"let me in\"}", "text/event-stream");

        assertEquals(403, refused.statusCode(), refused.body());
        marker(session, "alice");
        assertEquals(List.of("mine", "marker"), sessionService.received(session).stream().map(InboundMessage::text).toList());
    }

    @Test
    void aCancelOfTheUsersOwnMessageIsAcceptedWith202AndPassedOnAndAnotherUsersIsRefusedWith403() {
        String session = Gateway.newSessionId();
        String messageId = as("alice").body("{\"text\":\"hello\"}").post("/api/sessions/{id}/messages", session)
                .then().statusCode(200).extract().path("messageId");

        as("bob").post("/api/sessions/{id}/messages/{m}/cancel", session, messageId).then().statusCode(403);
        as("alice").post("/api/sessions/{id}/messages/{m}/cancel", session, messageId)
                .then().statusCode(202).body("messageId", equalTo(messageId));

        await().atMost(Duration.ofSeconds(30)).until(() -> sessionService.cancels(session).size() == 1);
        assertEquals("alice", sessionService.cancels(session).getFirst().user().id());
        assertEquals(messageId, sessionService.cancels(session).getFirst().messageId());
    }

    @Test
    void aSessionIdShapedLikeAnExternalChannelsIsRefusedWith400AndPublishesNothing() {
        // telegram:<channel>:<chat> is how channel-adapters names a Telegram conversation: not the web's to claim.
        String session = "telegram:demo-telegram:" + System.nanoTime();
        as("u1").body("{\"text\":\"hello\"}").post("/api/sessions/{id}/messages", session)
                .then().statusCode(400).body("error", containsString("session id"));
        assertEquals(List.of(), sessionService.received(session));
    }

    @Test
    void aBodyThatIsNotJsonIsRefusedWith400AndPublishesNothing() {
        String session = Gateway.newSessionId();
        as("u1").body("hello, not JSON").post("/api/sessions/{id}/messages", session)
                .then().statusCode(400).body("error", containsString("not JSON"));
        assertOnlyTheMarkerWasPublished(session, "u1");
    }

    @Test
    void jsonWithoutTextIsRefusedWith400AndPublishesNothing() {
        String session = Gateway.newSessionId();
        as("u1").body("{\"message\":\"hello\"}").post("/api/sessions/{id}/messages", session)
                .then().statusCode(400).body("error", containsString("\"text\""));
        assertOnlyTheMarkerWasPublished(session, "u1");
    }

    @Test
    void aTextWithANulCharacterIsRefusedWith400AndPublishesNothing() {
        String session = Gateway.newSessionId();
        as("u1").body("{\"text\":\"a\\u0000b\"}").post("/api/sessions/{id}/messages", session)
                .then().statusCode(400).body("error", containsString("NUL"));
        assertOnlyTheMarkerWasPublished(session, "u1");
    }

    @Test
    void aButtonPressIsAcceptedAsAnActionWhoseValueAndLabelTheEventCarries() {
        String session = Gateway.newSessionId();
        String messageId = as("u1").body("{\"action\":{\"value\":\"done\",\"label\":\"Mark done\"}}")
                .post("/api/sessions/{id}/messages", session)
                .then().statusCode(200).body("events.type", contains("reply", "turn.ended"))
                .extract().path("messageId");
        InboundMessage published = sessionService.received(session).getFirst();
        assertEquals(messageId, published.eventId());
        assertEquals(new InboundMessage.Action("done", "Mark done"), published.action());
        assertEquals("done", published.text(), "the value, for readers that predate action");
        assertEquals("Mark done", published.shownText());

        as("u1").body("{\"action\":{\"value\":\"snooze\"}}").post("/api/sessions/{id}/messages", session).then().statusCode(200);
        assertEquals(new InboundMessage.Action("snooze", "snooze"), sessionService.received(session).get(1).action(),
                "without a label, the value is the label");
    }

    @Test
    void aBadActionIsRefusedWith400SayingWhyAndPublishesNothing() {
        String session = Gateway.newSessionId();
        String tooLong = "x".repeat(MessageIntake.MAX_ACTION_CHARS + 1);
        List<String[]> refused = List.of(
                new String[] {"{\"action\":\"done\"}", "{\"value\""},
                new String[] {"{\"action\":{\"label\":\"Mark done\"}}", "{\"value\""},
                new String[] {"{\"action\":{\"value\":\"done\",\"label\":7}}", "{\"value\""},
                new String[] {"{\"action\":{\"value\":\" \"}}", "value is empty"},
                new String[] {"{\"action\":{\"value\":\"" + tooLong + "\"}}", "at most " + MessageIntake.MAX_ACTION_CHARS},
                new String[] {"{\"action\":{\"value\":\"done\",\"label\":\"" + tooLong + "\"}}", "at most"},
                new String[] {"{\"action\":{\"value\":\"a\\u0000b\"}}", "NUL"},
                new String[] {"{\"text\":\"done\",\"action\":{\"value\":\"done\"}}", "not both"});
        for (String[] c : refused) {
            as("u1").body(c[0]).post("/api/sessions/{id}/messages", session)
                    .then().statusCode(400).body("error", containsString(c[1]));
        }
        assertOnlyTheMarkerWasPublished(session, "u1");
    }

    @Test
    void aBodyOverTheMessageLimitIsRefusedWith413AndPublishesNothing() {
        String session = Gateway.newSessionId();
        // capsule.gateway.max-message-bytes is 16384; the HTTP layer's own limit (1M) is far above.
        as("u1").body("{\"text\":\"" + "x".repeat(20_000) + "\"}").post("/api/sessions/{id}/messages", session)
                .then().statusCode(413).body("error", containsString("limit is 16384"));
        assertOnlyTheMarkerWasPublished(session, "u1");
    }

    @Test
    void aMessageSentAgainWithItsIdempotencyKeyKeepsItsIdSoThatItRunsOnce() {
        String session = Gateway.newSessionId();
        String first = as("u1").header("Idempotency-Key", "k-1").body("{\"text\":\"hello\"}")
                .post("/api/sessions/{id}/messages", session).then().statusCode(200).extract().path("messageId");
        String again = as("u1").header("Idempotency-Key", "k-1").body("{\"text\":\"hello\"}")
                .post("/api/sessions/{id}/messages", session).then().statusCode(200).extract().path("messageId");
        String other = as("u1").header("Idempotency-Key", "k-2").body("{\"text\":\"hello\"}")
                .post("/api/sessions/{id}/messages", session).then().statusCode(200).extract().path("messageId");
        String unnamed = as("u1").body("{\"text\":\"hello\"}")
                .post("/api/sessions/{id}/messages", session).then().statusCode(200).extract().path("messageId");
        assertEquals(first, again, "the same key, the same message: session-service drops the repeat by its id");
        assertEquals(List.of(first, first, other, unnamed),
                sessionService.received(session).stream().map(InboundMessage::eventId).toList());
        assertEquals(4, java.util.Set.of(first, other, unnamed, as("u1").header("Idempotency-Key", "k-1")
                .body("{\"text\":\"hello\"}").post("/api/sessions/{id}/messages", Gateway.newSessionId())
                .then().statusCode(200).extract().path("messageId")).size(), "a key names a message within its session");
    }

    @Test
    void aBadIdempotencyKeyIsRefusedWith400AndPublishesNothing() {
        String session = Gateway.newSessionId();
        for (String key : List.of("has space", "x".repeat(129), "caf\u00e9")) {
            as("u1").header("Idempotency-Key", key).body("{\"text\":\"hello\"}").post("/api/sessions/{id}/messages", session)
                    .then().statusCode(400).body("error", containsString("Idempotency-Key"));
        }
        assertOnlyTheMarkerWasPublished(session, "u1");
    }

    /**
     * Proves that a refused request published nothing for {@code session}: anything the gateway
     * had published for it would be keyed like the marker sent now, so in the same partition
     * before it, and the fake session service sees a partition in order. The marker's 200 means
     * the fake has seen the marker. (It also shows the refusal harmed nothing: the session works.)
     */
    private void assertOnlyTheMarkerWasPublished(String session, String user) {
        String marker = marker(session, user);
        assertEquals(List.of(marker), sessionService.received(session).stream().map(InboundMessage::eventId).toList());
    }

    @Test
    void aRequestWhoseTurnSendsNothingForTheTurnTimeoutGets504AndAStreamEnds() throws Exception {
        String json = Gateway.newSessionId();
        String sse = Gateway.newSessionId();
        CompletableFuture<HttpResponse<String>> waiting = CompletableFuture.supplyAsync(() -> send(json, "application/json"));
        CompletableFuture<HttpResponse<String>> streaming = CompletableFuture.supplyAsync(() -> send(sse, "text/event-stream"));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> sessionService.received(json).size() == 1 && sessionService.received(sse).size() == 1);
        // What the once-a-second sweep (delivery/SilentTurns) does a turn timeout after their turns' last event.
        Duration timeout = Duration.ofSeconds(60);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            deliveries.endSilentTurns(System.nanoTime() + timeout.toNanos(), timeout);
            return waiting.isDone() && streaming.isDone();
        });

        HttpResponse<String> refused = waiting.get();
        assertEquals(504, refused.statusCode());
        assertTrue(refused.body().contains("sent nothing for PT1M"), refused.body());
        List<Sse> events = Sse.parse(streaming.get().body());
        assertEquals(List.of("accepted"), events.stream().map(Sse::name).toList(), "the stream ends after its accepted event");
    }

    private HttpResponse<String> send(String session, String accept) {
        try {
            return post("u1", session, "{\"text\":\"/silent\"}", accept);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String marker(String session, String user) {
        return as(user).body("{\"text\":\"marker\"}").post("/api/sessions/{id}/messages", session)
                .then().statusCode(200).extract().path("messageId");
    }


    /** Posts a message asking for server-sent events and reads them until the response ends. */
    private List<Sse> streamed(String user, String session, String body) throws Exception {
        HttpResponse<String> response = post(user, session, body, "text/event-stream");
        assertEquals(200, response.statusCode());
        assertEquals("text/event-stream", response.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        return Sse.parse(response.body());
    }

    /** Posts a message and reads the whole response, however long the server streams it (at most 30 s). */
    private HttpResponse<String> post(String user, String session, String body, String accept) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/sessions/" + session + "/messages"))
                .header("Authorization", "Bearer " + Gateway.token(user))
                .header("Content-Type", "application/json")
                .header("Accept", accept)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            // For server-sent events the body completes only when the server ends the stream: the turn's end must end it.
            return client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).get(30, TimeUnit.SECONDS);
        }
    }

    /** One server-sent event: its name, id and JSON data. */
    record Sse(String name, String id, JsonNode data) {

        static List<Sse> parse(String stream) throws IOException {
            List<Sse> events = new ArrayList<>();
            for (String block : stream.split("\n\n")) {
                String name = null;
                String id = null;
                StringBuilder data = new StringBuilder();
                for (String line : block.split("\n")) {
                    if (line.startsWith("event:")) {
                        name = line.substring(6).strip();
                    } else if (line.startsWith("id:")) {
                        id = line.substring(3).strip();
                    } else if (line.startsWith("data:")) {
                        data.append(line.substring(5).strip());
                    }
                }
                if (!data.isEmpty()) {
                    events.add(new Sse(name, id, EventCodec.mapper().readTree(data.toString())));
                }
            }
            return events;
        }
    }
}
