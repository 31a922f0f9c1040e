package dev.capsule.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capsule.events.EventCodec;
import dev.capsule.events.EventMeta;
import dev.capsule.events.InboundMessage;
import dev.capsule.events.StreamChunk;
import dev.capsule.events.Topics;
import dev.capsule.events.TraceContext;
import dev.capsule.gateway.auth.SessionOwnership;
import dev.capsule.gateway.delivery.Deliveries;
import dev.capsule.kafka.EventPublisher;
import dev.capsule.kafka.KafkaConnection;
import dev.capsule.kafka.MessageTraces;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.PostgresResource;
import dev.capsule.testing.TestStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.websockets.next.BasicWebSocketConnector;
import io.smallrye.jwt.build.Jwt;
import io.quarkus.websockets.next.WebSocketClientConnection;
import io.restassured.http.ContentType;
import io.vertx.core.http.UpgradeRejectedException;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class ChatSocketTest {

    @Inject
    FakeSessionService sessionService;

    @Inject
    Deliveries deliveries;

    @Inject
    SessionOwnership ownership;

    @TestHTTPResource("/")
    URI base;

    private EventPublisher publisher;

    private final List<Client> clients = new CopyOnWriteArrayList<>();

    @BeforeEach
    void ready() {
        Gateway.awaitReady();
        publisher = new EventPublisher(KafkaConnection.to(TestStack.kafka().bootstrapServers()), "chat-socket-test");
    }

    @AfterEach
    void closeClients() {
        clients.stream().filter(c -> c.connection.isOpen()).forEach(c -> c.connection.closeAndAwait());
        publisher.close();
    }

    @Test
    void aMessageGetsTheTurnsEventsAsFramesWithSessionIdAndSeq() {
        Client client = connect(BasicWebSocketConnector.create().baseUri(base)
                .addHeader("Authorization", "Bearer " + Gateway.token("u1")));
        String session = Gateway.newSessionId();

        client.send(message(session, "hello"));

        JsonNode ended = client.await(frame("turn.ended", session));
        JsonNode reply = client.frames.stream().filter(frame("reply", session)).findFirst().orElseThrow();
        assertEquals("echo: hello", reply.get("text").textValue());
        assertEquals(1, reply.get("seq").longValue());
        assertEquals(2, ended.get("seq").longValue());
        InboundMessage published = sessionService.received(session).getFirst();
        assertEquals("web", published.channel());
        assertEquals("u1", published.user().id());
        assertEquals(published.eventId(), reply.get("inReplyTo").textValue());
    }

    /** Invariant 8 on the socket: each message its own trace, not the socket's, though browsers send no traceparent. */
    @Test
    void eachMessageOnOneSocketStartsATraceOfItsOwn() {
        Client client = connect(BasicWebSocketConnector.create().baseUri(base)
                .addHeader("Authorization", "Bearer " + Gateway.token("u1")));
        String session = Gateway.newSessionId();
        client.send(message(session, "one"));
        client.await(frame("turn.ended", session));
        client.send(message(session, "two"));
        await().atMost(Duration.ofSeconds(30)).until(() -> sessionService.received(session).size() == 2);

        List<String> traces = sessionService.received(session).stream().map(m -> m.trace().traceparent()).toList();
        traces.forEach(t -> assertTrue(MessageTraces.valid(t), "a W3C traceparent: " + t));
        assertNotEquals(MessageTraces.traceId(traces.get(0)), MessageTraces.traceId(traces.get(1)));
    }

    @Test
    void aBrowserTokenInTheAccessTokenParameterIsAccepted() {
        Client client = connect(BasicWebSocketConnector.create()
                .baseUri(base.resolve("/?access_token=" + Gateway.token("u1"))));
        String session = Gateway.newSessionId();

        client.send(message(session, "from a browser"));

        client.await(frame("turn.ended", session));
        assertEquals("u1", sessionService.received(session).getFirst().user().id());
    }

    @Test
    void aBrowserTokenOfferedAsASubprotocolIsAcceptedAndTheCapsuleSubprotocolSelected() {
        Client client = connect(BasicWebSocketConnector.create().baseUri(base)
                .addSubprotocol("capsule").addSubprotocol("access_token." + Gateway.token("u2")));
        String session = Gateway.newSessionId();

        client.send(message(session, "from a browser, token out of the URL"));

        client.await(frame("turn.ended", session));
        assertEquals("u2", sessionService.received(session).getFirst().user().id());
        assertEquals("capsule", client.connection.subprotocol());
    }

    @Test
    void anUpgradeWithoutATokenIsRefusedWith401() {
        assertUpgradeRefusedWith401(BasicWebSocketConnector.create().baseUri(base));
    }

    @Test
    void anUpgradeWithABadTokenIsRefusedWith401() {
        assertUpgradeRefusedWith401(BasicWebSocketConnector.create().baseUri(base)
                .addHeader("Authorization", "Bearer not-a-jwt"));
        assertUpgradeRefusedWith401(BasicWebSocketConnector.create()
                .baseUri(base.resolve("/?access_token=" + Gateway.foreignToken("u1"))));
        assertUpgradeRefusedWith401(BasicWebSocketConnector.create().baseUri(base)
                .addSubprotocol("capsule").addSubprotocol("access_token." + Gateway.foreignToken("u1")));
    }

    @Test
    void aFrameThatIsNotJsonGetsAnErrorFrameAndTheSocketKeepsWorking() {
        Client client = connect(BasicWebSocketConnector.create().baseUri(base)
                .addHeader("Authorization", "Bearer " + Gateway.token("u1")));
        String session = Gateway.newSessionId();

        client.send("hello, not JSON");
        JsonNode error = client.await(f -> f.path("type").asText().equals("error"));
        assertEquals(400, error.get("status").intValue());
        assertTrue(error.get("message").textValue().contains("not JSON"), error.toString());

        client.send(message(session, "still there?"));
        client.await(frame("turn.ended", session));
        assertEquals(List.of("still there?"), sessionService.received(session).stream().map(InboundMessage::text).toList());
    }

    @Test
    void anotherUsersSessionGetsA403ErrorFrameAndNoneOfItsEvents() {
        Client alice = connectAs("alice");
        Client bob = connectAs("bob");
        String session = Gateway.newSessionId();
        alice.send(message(session, "mine"));
        alice.await(frame("turn.ended", session));

        bob.send(message(session, "let me in"));
        JsonNode refused = bob.await(f -> f.path("type").asText().equals("error"));
        bob.send("{\"type\":\"follow\",\"sessionId\":\"" + session + "\"}");
        JsonNode followRefused = bob.await(f -> f.path("type").asText().equals("error") && f != refused);
        assertEquals(403, followRefused.get("status").intValue(), "a follow of another user's session is refused too");
        alice.send(message(session, "still mine"));
        alice.await(f -> frame("turn.ended", session).test(f) && f.get("seq").longValue() == 4);

        assertEquals(403, refused.get("status").intValue());
        assertEquals(session, refused.get("sessionId").textValue());
        assertEquals(List.of("error", "error"), bob.frames.stream().map(f -> f.path("type").asText()).toList());
        assertEquals(List.of("mine", "still mine"), sessionService.received(session).stream().map(InboundMessage::text).toList());
    }

    @Test
    void aFollowResumeOrCancelOfASessionNobodyOwnsGetsA404ErrorFrameAndClaimsNothing() {
        Client bob = connectAs("bob");
        String session = Gateway.newSessionId();

        bob.send("{\"type\":\"follow\",\"sessionId\":\"" + session + "\"}");
        bob.send(resume(session, 0, null));
        bob.send("{\"type\":\"cancel\",\"sessionId\":\"" + session + "\",\"messageId\":\"m-1\"}");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> bob.frames.stream().filter(f -> f.path("type").asText().equals("error")).count() == 3);

        assertEquals(List.of(404, 404, 404), bob.frames.stream().map(f -> f.path("status").asInt()).toList());
        // Nobody's still: the first to write takes it, and bob's earlier follow left him nothing of it.
        Client alice = connectAs("alice");
        alice.send(message(session, "mine"));
        alice.await(frame("turn.ended", session));
        assertEquals(3, bob.frames.size(), "no event of alice's session reached bob");
    }

    @Test
    void aFollowOfANewSessionThatLapsedAndPassedToAnotherUserDeliversNoneOfTheirEvents() {
        // Alice creates a session and follows it, but never writes in it; past the unused claim's
        // time to live (2 s in tests) Bob takes the id with a message of his.
        String session = created("alice");
        Client alice = connectAs("alice");
        alice.send(follow(session));
        alice.send(resume(session, 0, null));
        alice.await(frame("resumed", session));

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() ->
                given().auth().oauth2(Gateway.token("bob")).contentType(ContentType.JSON).accept(ContentType.JSON)
                        .body("{\"text\":\"my secret\"}").post("/api/sessions/{id}/messages", session).statusCode() == 200);

        alice.send("sync"); // frames are handled in order: its error answer comes after anything the feed had for her
        alice.await(f -> f.path("type").asText().equals("error"));
        assertEquals(List.of("resumed", "error"), alice.frames.stream().map(f -> f.path("type").asText()).toList(),
                "none of bob's events reached alice's socket");
    }

    @Test
    void aNewSessionsFirstMessageOnTheSocketBringsItsEventsToThatSocket() {
        String session = created("u1");
        Client client = connectAs("u1");
        client.send(follow(session));
        client.send(message(session, "hello"));
        client.await(frame("turn.ended", session));
        assertEquals(List.of("reply", "turn.ended"), client.frames.stream().map(f -> f.path("type").asText()).toList());
    }

    @Test
    void aFollowedSessionDeliversEachEventOnceAlsoForMessagesSentElsewhere() {
        String session = ownedBy("u1");
        Client client = connect(BasicWebSocketConnector.create().baseUri(base)
                .addHeader("Authorization", "Bearer " + Gateway.token("u1")));
        String follow = "{\"type\":\"follow\",\"sessionId\":\"" + session + "\"}";
        client.send(follow);
        client.send(follow);
        // Frames are handled in order, so the answer to a bad frame means both follows are in place.
        client.send("sync");
        client.await(f -> f.path("type").asText().equals("error"));

        given().auth().oauth2(Gateway.token("u1")).contentType(ContentType.JSON).accept(ContentType.JSON)
                .body("{\"text\":\"over the API\"}")
                .post("/api/sessions/{id}/messages", session).then().statusCode(200);

        client.await(frame("turn.ended", session));
        assertEquals(List.of("error", "reply", "turn.ended"), client.frames.stream().map(f -> f.path("type").asText()).toList());
    }

    @Test
    void closingTheSocketUnfollowsItsSessions() {
        String session = Gateway.newSessionId();
        Client client = connect(BasicWebSocketConnector.create().baseUri(base)
                .addHeader("Authorization", "Bearer " + Gateway.token("u1")));
        client.send(message(session, "hello"));
        client.await(frame("turn.ended", session));
        assertEquals(1, deliveries.followers(session));

        client.connection.closeAndAwait();

        await().atMost(Duration.ofSeconds(10)).until(() -> deliveries.followers(session) == 0);
    }

    @Test
    void aResumeOnANewConnectionSendsWhatWasMissedOnceInOrderThenGoesOnLive() {
        String session = ownedBy("u1");
        // Events this replica's feed never handed to anyone: as for a socket that dropped, or a replica that just started.
        List<StreamChunk> before = IntStream.rangeClosed(1, 3).mapToObj(seq -> chunk(session, seq)).toList();
        before.forEach(this::publish);
        Client client = connect(BasicWebSocketConnector.create().baseUri(base)
                .addHeader("Authorization", "Bearer " + Gateway.token("u1")));

        client.send(resume(session, 1, before.getFirst().timestamp().toString()));
        JsonNode resumed = client.await(frame("resumed", session));
        publish(chunk(session, 4));
        client.await(f -> f.path("seq").asLong() == 4);

        assertEquals(List.of(2L, 3L, 4L), seqs(client, session));
        assertEquals(2, resumed.get("replayed").intValue());
        assertTrue(resumed.get("complete").booleanValue(), resumed.toString());
        assertEquals(List.of("stream.chunk", "stream.chunk", "resumed", "stream.chunk"),
                client.frames.stream().map(f -> f.path("type").asText()).toList());
    }

    @Test
    void aResumeWhileEventsKeepComingShowsEachSeqExactlyOnceAndInOrder() throws Exception {
        String session = ownedBy("u1");
        Instant start = Instant.now();
        publish(chunk(session, 1));
        Client client = connect(BasicWebSocketConnector.create().baseUri(base)
                .addHeader("Authorization", "Bearer " + Gateway.token("u1")));
        // A stream goes on while the socket resumes: some events come from the replay, some live, some from both.
        CompletableFuture<Void> streaming = CompletableFuture.runAsync(() -> LongStream.rangeClosed(2, 300)
                .forEach(seq -> publisher.publish(Topics.OUTBOUND, chunk(session, seq))));
        client.send(resume(session, 0, start.toString()));
        streaming.get(60, TimeUnit.SECONDS);

        client.await(f -> f.path("seq").asLong() == 300);
        assertEquals(LongStream.rangeClosed(1, 300).boxed().toList(), seqs(client, session));
    }

    @Test
    void aResumeFromLongerAgoThanTheLookBackSaysItIsNotCompleteSoThePageReloadsTheHistory() {
        String session = ownedBy("u1");
        Client client = connect(BasicWebSocketConnector.create().baseUri(base)
                .addHeader("Authorization", "Bearer " + Gateway.token("u1")));

        client.send(resume(session, 7, Instant.now().minus(Duration.ofDays(1)).toString()));

        JsonNode resumed = client.await(frame("resumed", session));
        assertEquals(false, resumed.get("complete").booleanValue(), resumed.toString());
        assertEquals(0, resumed.get("replayed").intValue());
    }

    @Test
    void aResumeWithoutASeqOrWithABadTimeIsRefusedWithA400ErrorFrame() {
        String session = Gateway.newSessionId();
        Client client = connect(BasicWebSocketConnector.create().baseUri(base)
                .addHeader("Authorization", "Bearer " + Gateway.token("u1")));

        client.send("{\"type\":\"resume\",\"sessionId\":\"" + session + "\"}");
        client.send(resume(session, 1, "yesterday"));

        await().atMost(Duration.ofSeconds(30)).until(() -> client.frames.size() == 2);
        assertEquals(List.of(400, 400), client.frames.stream().map(f -> f.path("status").intValue()).toList());
    }

    @Test
    void aResumeOfAnotherUsersSessionGetsA403ErrorFrameAndNoneOfItsEvents() {
        String session = ownedBy("alice");
        publish(chunk(session, 1));
        Client alice = connectAs("alice");
        alice.send(resume(session, 0, Instant.now().minusSeconds(60).toString()));
        alice.await(frame("resumed", session));
        Client bob = connectAs("bob");

        bob.send(resume(session, 0, Instant.now().minusSeconds(60).toString()));

        JsonNode refused = bob.await(f -> f.path("type").asText().equals("error"));
        assertEquals(403, refused.get("status").intValue());
        publish(chunk(session, 2));
        alice.await(f -> f.path("seq").asLong() == 2);
        assertEquals(List.of("error"), bob.frames.stream().map(f -> f.path("type").asText()).toList());
    }

    @Test
    void aMessageIsAcknowledgedWithTheIdItsTurnsEventsReplyTo() {
        Client client = connect(BasicWebSocketConnector.create().baseUri(base)
                .addHeader("Authorization", "Bearer " + Gateway.token("u1")));
        String session = Gateway.newSessionId();

        client.send(EventCodec.mapper().createObjectNode().put("type", "message").put("sessionId", session)
                .put("text", "hello").put("clientId", "c-1").toString());

        JsonNode accepted = client.await(frame("accepted", session));
        JsonNode reply = client.await(frame("reply", session));
        assertEquals("c-1", accepted.get("clientId").textValue());
        assertEquals(reply.get("inReplyTo").textValue(), accepted.get("messageId").textValue());
    }

    @Test
    void anActionFrameIsAcceptedAsAButtonPressAndABadOneGetsA400ErrorFrame() {
        Client client = connectAs("u1");
        String session = Gateway.newSessionId();
        ObjectNode press = EventCodec.mapper().createObjectNode().put("type", "message").put("sessionId", session).put("clientId", "c-1");
        press.putObject("action").put("value", "done").put("label", "Mark done");
        ObjectNode empty = press.deepCopy().put("clientId", "c-2");
        empty.putObject("action").put("value", "").put("label", "Mark done");

        client.send(empty.toString());
        JsonNode error = client.await(f -> f.path("type").asText().equals("error"));
        client.send(press.toString());

        JsonNode accepted = client.await(frame("accepted", session));
        client.await(frame("turn.ended", session));
        assertEquals(400, error.get("status").intValue());
        assertEquals(session, error.get("sessionId").textValue());
        assertTrue(error.get("message").textValue().contains("value is empty"), error.toString());
        assertEquals("c-1", accepted.get("clientId").textValue());
        InboundMessage published = sessionService.received(session).getFirst();
        assertEquals(List.of(accepted.get("messageId").textValue()), sessionService.received(session).stream().map(InboundMessage::eventId).toList(),
                "only the good press was published");
        assertEquals(new InboundMessage.Action("done", "Mark done"), published.action());
    }

    @Test
    void aCloseFrameOfTheOwnerIsPassedOnAndAnotherUsersOrOneForASessionNobodyOwnsIsRefused() {
        Client alice = connectAs("alice");
        Client bob = connectAs("bob");
        String session = Gateway.newSessionId();
        alice.send(message(session, "hello"));
        alice.await(frame("turn.ended", session));

        bob.send(close(session));
        JsonNode refused = bob.await(f -> f.path("type").asText().equals("error"));
        String nobodys = Gateway.newSessionId();
        alice.send(close(nobodys));
        JsonNode unknown = alice.await(f -> f.path("type").asText().equals("error"));
        alice.send(close(session));

        await().atMost(Duration.ofSeconds(30)).until(() -> sessionService.closes(session).size() == 1);
        assertEquals(403, refused.get("status").intValue());
        assertEquals(404, unknown.get("status").intValue());
        assertEquals(nobodys, unknown.get("sessionId").textValue());
        assertEquals("alice", sessionService.closes(session).getFirst().user().id());
        assertEquals(List.of(), sessionService.closes(nobodys));
    }

    private static String close(String session) {
        return EventCodec.mapper().createObjectNode().put("type", "close").put("sessionId", session).toString();
    }

    @Test
    void aCancelFrameAsksForTheStopOfThatMessagesAnswerAndAnotherUsersCancelIsRefused() {
        Client alice = connectAs("alice");
        Client bob = connectAs("bob");
        String session = Gateway.newSessionId();
        alice.send(message(session, "hello"));
        String messageId = alice.await(frame("reply", session)).get("inReplyTo").textValue();

        String cancel = EventCodec.mapper().createObjectNode().put("type", "cancel").put("sessionId", session)
                .put("messageId", messageId).toString();
        bob.send(cancel);
        JsonNode refused = bob.await(f -> f.path("type").asText().equals("error"));
        alice.send(cancel);

        await().atMost(Duration.ofSeconds(30)).until(() -> sessionService.cancels(session).size() == 1);
        assertEquals(403, refused.get("status").intValue());
        assertEquals(messageId, sessionService.cancels(session).getFirst().messageId());
        assertEquals("alice", sessionService.cancels(session).getFirst().user().id());
    }

    /** A session {@code user} made with {@code POST /api/sessions}: theirs, with no message in it yet. */
    private static String created(String user) {
        return given().auth().oauth2(Gateway.token(user)).accept(ContentType.JSON)
                .post("/api/sessions").then().statusCode(201).extract().path("sessionId");
    }

    @Test
    void theSocketClosesWhenItsTokenExpires() {
        String token = Jwt.subject("u1").issuer(Gateway.ISSUER).expiresIn(Duration.ofSeconds(2)).sign();
        java.util.concurrent.atomic.AtomicReference<io.quarkus.websockets.next.CloseReason> closed =
                new java.util.concurrent.atomic.AtomicReference<>();
        BasicWebSocketConnector.create().baseUri(base).addHeader("Authorization", "Bearer " + token).path("/ws/chat")
                .executionModel(BasicWebSocketConnector.ExecutionModel.NON_BLOCKING)
                .onClose((connection, reason) -> closed.set(reason))
                .connectAndAwait();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> closed.get() != null);
        assertEquals(1008, closed.get().getCode());
        assertEquals(dev.capsule.gateway.chat.ChatSocket.TOKEN_EXPIRED, closed.get().getMessage());
    }

    @Test
    void theSocketOffersNoPerMessageCompression() throws Exception {
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.getOutputStream().write(("GET /ws/chat HTTP/1.1\r\nHost: " + base.getHost() + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
                    + "Authorization: Bearer " + Gateway.token("u1") + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.BufferedReader reader = new java.io.BufferedReader(
                    new java.io.InputStreamReader(socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII));
            List<String> headers = new java.util.ArrayList<>();
            for (String line = reader.readLine(); line != null && !line.isEmpty(); line = reader.readLine()) {
                headers.add(line.toLowerCase(java.util.Locale.ROOT));
            }
            assertTrue(headers.getFirst().contains(" 101 "), "the upgrade succeeds: " + headers);
            assertTrue(headers.stream().noneMatch(h -> h.startsWith("sec-websocket-extensions")), "no extension accepted: " + headers);
        }
    }

    private Client connectAs(String user) {
        return connect(BasicWebSocketConnector.create().baseUri(base).addHeader("Authorization", "Bearer " + Gateway.token(user)));
    }

    private static String follow(String session) {
        return EventCodec.mapper().createObjectNode().put("type", "follow").put("sessionId", session).toString();
    }

    /** A new session id that {@code user} has claimed for good, as their first message in it does, so that they may follow it. */
    private String ownedBy(String user) {
        String session = Gateway.newSessionId();
        ownership.claim(session, user, true).await().atMost(Duration.ofSeconds(10));
        return session;
    }

    private StreamChunk chunk(String session, long seq) {
        return StreamChunk.of(EventMeta.next(session, TraceContext.NONE), "m-" + session, seq, "web", null,
                "stream-" + session, (int) seq - 1, "w" + seq + " ");
    }

    private void publish(StreamChunk chunk) {
        publisher.publish(Topics.OUTBOUND, chunk).join();
    }

    private static String resume(String session, long after, String since) {
        return EventCodec.mapper().createObjectNode().put("type", "resume").put("sessionId", session)
                .put("after", after).put("since", since).toString();
    }

    private static List<Long> seqs(Client client, String session) {
        return client.frames.stream().filter(f -> f.path("sessionId").asText().equals(session) && f.has("seq"))
                .map(f -> f.get("seq").asLong()).toList();
    }

    private Client connect(BasicWebSocketConnector connector) {
        Client client = new Client();
        // On the event loop, so that frames are recorded in the order they arrive (blocking callbacks may overtake each other).
        client.connection = connector.path("/ws/chat")
                .executionModel(BasicWebSocketConnector.ExecutionModel.NON_BLOCKING)
                .onTextMessage((connection, text) -> client.frames.add(json(text)))
                .connectAndAwait();
        clients.add(client);
        return client;
    }

    private static void assertUpgradeRefusedWith401(BasicWebSocketConnector connector) {
        Throwable failure = assertThrows(Throwable.class, () -> connector.path("/ws/chat").connectAndAwait());
        while (failure != null && !(failure instanceof UpgradeRejectedException)) {
            failure = failure.getCause();
        }
        assertTrue(failure instanceof UpgradeRejectedException, "the upgrade should have been rejected");
        assertEquals(401, ((UpgradeRejectedException) failure).getStatus());
    }

    private static String message(String session, String text) {
        return EventCodec.mapper().createObjectNode().put("type", "message").put("sessionId", session).put("text", text)
                .toString();
    }

    private static Predicate<JsonNode> frame(String type, String session) {
        return f -> f.path("type").asText().equals(type) && f.path("sessionId").asText().equals(session);
    }

    private static JsonNode json(String text) {
        try {
            return EventCodec.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the gateway sent a frame that is not JSON: " + text, e);
        }
    }

    /** A chat client: its connection and every frame it has received, in order. */
    private static final class Client {

        final List<JsonNode> frames = new CopyOnWriteArrayList<>();
        WebSocketClientConnection connection;

        void send(String frame) {
            connection.sendTextAndAwait(frame);
        }

        JsonNode await(Predicate<JsonNode> wanted) {
            return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> frames.stream().filter(wanted).findFirst().orElse(null), f -> f != null);
        }
    }
}
