package dev.capsule.adapters;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capsule.events.InboundMessage;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.RedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = FakeProviders.class, restrictToAnnotatedClass = false)
class SlackTest {

    private static final String WEBHOOK = "/channels/" + FakeProviders.SLACK + "/webhook";
    private static final String USER = "U2147483697";

    private final KafkaProbe kafka = KafkaProbe.get();

    @Test
    void theUrlVerificationChallengeIsAnsweredWhenSignedAndRefusedWhenNot() {
        String body = "{\"token\":\"Jhj5dZrVaK7ZwHHjRyZWjbDl\",\"challenge\":\"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P\","
                + "\"type\":\"url_verification\"}";
        signed(body).post(WEBHOOK).then().statusCode(200)
                .body(org.hamcrest.Matchers.equalTo("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"));
        given().contentType("application/json").body(body).post(WEBHOOK).then().statusCode(401);
    }

    @Test
    void aDirectMessageIsTheDmsSessionAndItsReplyIsPostedThere() {
        String dm = "D" + Providers.newChatId();
        signed(directMessage("Ev" + dm, dm, "hello")).post(WEBHOOK).then().statusCode(200);

        InboundMessage m = single("slack:" + FakeProviders.SLACK + ":" + dm);
        assertEquals("hello", m.text());
        assertEquals("slack:" + FakeProviders.SLACK + ":" + USER, m.user().id());
        await().atMost(Duration.ofSeconds(20)).until(() -> posts(dm).size() == 1);
        JsonNode reply = posts(dm).getFirst();
        assertEquals("echo: hello", reply.path("text").asText());
        assertFalse(reply.has("thread_ts"), "a DM is answered in the DM itself");
    }

    @Test
    void aMentionInAChannelOpensAThreadThatIsTheUsersSessionAndTheReplyGoesIntoIt() {
        String channel = "C" + Providers.newChatId();
        signed(mention("Ev" + channel, channel, "1515449522.000016", "<@U0LAN0Z89> is it everything a river should be?"))
                .post(WEBHOOK).then().statusCode(200);

        InboundMessage m = single("slack:" + FakeProviders.SLACK + ":" + channel + ":1515449522.000016:u." + USER);
        assertEquals("is it everything a river should be?", m.text(), "the mention that woke the bot is not part of the message");
        await().atMost(Duration.ofSeconds(20)).until(() -> posts(channel).size() == 1);
        assertEquals("1515449522.000016", posts(channel).getFirst().path("thread_ts").asText());
    }

    @Test
    void aNotifyInAThreadIsTheThreadsStatus() {
        String channel = "C" + Providers.newChatId();
        signed(mention("Ev" + channel, channel, "1515449600.000100", "<@U0LAN0Z89> /notify")).post(WEBHOOK).then().statusCode(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> posts(channel).size() == 1);
        List<JsonNode> statuses = Providers.calls("/slack/assistant.threads.setStatus", "channel_id", channel);
        assertEquals(1, statuses.size());
        assertEquals("1515449600.000100", statuses.getFirst().path("thread_ts").asText());
        assertEquals("Looking that up…", statuses.getFirst().path("status").asText());
    }

    @Test
    void aStreamedReplyIsOnePostUpdatedInPlaceEndingWithTheWholeText() {
        String dm = "D" + Providers.newChatId();
        signed(directMessage("Ev" + dm, dm, "/stream")).post(WEBHOOK).then().statusCode(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> Providers.calls("/slack/chat.update", "channel", dm).stream()
                .anyMatch(u -> u.path("text").asText().equals(FakeTurns.STREAM_TEXT)));
        assertEquals(1, posts(dm).size());
        List<JsonNode> updates = Providers.calls("/slack/chat.update", "channel", dm);
        assertTrue(updates.stream().allMatch(u -> u.path("ts").asText().equals("1764000000.000100")));
        assertEquals(FakeTurns.STREAM_TEXT, updates.getLast().path("text").asText());
    }

    @Test
    void aChoiceListIsBlockKitButtonsAndAPressComesBackAsAnActionWithTheChoicesValueAndLabel() {
        String dm = "D" + Providers.newChatId();
        signed(directMessage("Ev" + dm, dm, "/card")).post(WEBHOOK).then().statusCode(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> posts(dm).size() == 1);
        JsonNode card = posts(dm).getFirst();
        assertEquals("Ship it?\n- Yes\n- Not yet", card.path("text").asText(), "the plain-text fallback for notifications");
        JsonNode actions = card.path("blocks").get(1);
        assertEquals("actions", actions.path("type").asText());
        assertEquals("yes", actions.path("elements").get(0).path("value").asText());

        String payload = blockActions(dm, actions.path("block_id").asText(), "yes");
        signed("payload=" + URLEncoder.encode(payload, StandardCharsets.UTF_8), "application/x-www-form-urlencoded")
                .post(WEBHOOK).then().statusCode(200);

        String session = "slack:" + FakeProviders.SLACK + ":" + dm;
        List<InboundMessage> inbound = kafka.inbound(session, 2);
        assertEquals(List.of("/card", "yes"), inbound.stream().map(InboundMessage::text).toList());
        assertEquals(null, inbound.get(0).action(), "typed text is no press");
        assertEquals(new InboundMessage.Action("yes", "Yes"), inbound.get(1).action(), "the label is the button's text");
    }

    @Test
    void anIntegrationPromptIsASectionWithALinkButtonWhosePressIsAcknowledgedAndNotTakenForAnAction() {
        String dm = "D" + Providers.newChatId();
        signed(directMessage("Ev" + dm, dm, "/connect")).post(WEBHOOK).then().statusCode(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> posts(dm).size() == 1);
        JsonNode prompt = posts(dm).getFirst();
        assertEquals("Connect GitHub to go on.", prompt.path("text").asText(), "the plain-text fallback for notifications");
        JsonNode section = prompt.path("blocks").get(0);
        assertEquals("section", section.path("type").asText());
        assertEquals("Connect GitHub to go on.", section.path("text").path("text").asText());
        JsonNode button = section.path("accessory");
        assertEquals("button", button.path("type").asText());
        assertEquals("Connect GitHub", button.path("text").path("text").asText());
        assertEquals(FakeTurns.CONNECT_URL, button.path("url").asText());
        assertFalse(button.path("action_id").asText().isEmpty(), "Slack posts the press with it: " + button);

        String payload = linkPress(dm, button.path("action_id").asText());
        signed("payload=" + URLEncoder.encode(payload, StandardCharsets.UTF_8), "application/x-www-form-urlencoded")
                .post(WEBHOOK).then().statusCode(200);
        signed(directMessage("Ev2" + dm, dm, "after")).post(WEBHOOK).then().statusCode(200);
        assertEquals(List.of("/connect", "after"), kafka.inbound("slack:" + FakeProviders.SLACK + ":" + dm, 2).stream()
                .map(InboundMessage::text).toList(), "nothing was published for the press");
    }

    @Test
    void theSameEventRetriedBySlackMakesOneTurnAndOneReply() {
        String dm = "D" + Providers.newChatId();
        String body = directMessage("Ev" + dm, dm, "once please");
        signed(body).post(WEBHOOK).then().statusCode(200);
        signed(body).header("X-Slack-Retry-Num", "1").header("X-Slack-Retry-Reason", "http_timeout").post(WEBHOOK).then().statusCode(200);
        signed(body).header("X-Slack-Retry-Num", "2").header("X-Slack-Retry-Reason", "http_timeout").post(WEBHOOK).then().statusCode(200);

        single("slack:" + FakeProviders.SLACK + ":" + dm);
        await().atMost(Duration.ofSeconds(20)).until(() -> posts(dm).size() == 1);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> posts(dm).size() == 1);
        assertEquals(1, kafka.inbound("slack:" + FakeProviders.SLACK + ":" + dm).size());
    }

    @Test
    void aBadSignatureOrAStaleTimestampIsRefusedWith401AndNothingIsPublished() {
        String dm = "D" + Providers.newChatId();
        String body = directMessage("Ev" + dm, dm, "forged");
        long now = Instant.now().getEpochSecond();
        given().contentType("application/json").header("X-Slack-Request-Timestamp", now)
                .header("X-Slack-Signature", Signing.slack("not-the-secret", now, body)).body(body).post(WEBHOOK).then().statusCode(401);
        long old = now - 6 * 60;
        given().contentType("application/json").header("X-Slack-Request-Timestamp", old)
                .header("X-Slack-Signature", Signing.slack(FakeProviders.SLACK_SIGNING_SECRET, old, body)).body(body)
                .post(WEBHOOK).then().statusCode(401);
        given().contentType("application/json").body(body).post(WEBHOOK).then().statusCode(401);

        signed(directMessage("Ev2" + dm, dm, "genuine")).post(WEBHOOK).then().statusCode(200);
        assertEquals("genuine", single("slack:" + FakeProviders.SLACK + ":" + dm).text());
    }

    @Test
    void aBotsMessageIsAcknowledgedAndIgnored() {
        String dm = "D" + Providers.newChatId();
        String body = directMessage("Ev" + dm, dm, "echo: hello").replace("\"channel_type\": \"im\"",
                "\"channel_type\": \"im\", \"bot_id\": \"B123ABC456\", \"subtype\": \"bot_message\"");
        signed(body).post(WEBHOOK).then().statusCode(200);
        signed(directMessage("Ev2" + dm, dm, "human")).post(WEBHOOK).then().statusCode(200);
        assertEquals("human", single("slack:" + FakeProviders.SLACK + ":" + dm).text());
    }

    @Test
    void aRateLimitedPostIsDeliveredOnceAfterRetryAfter() {
        String dm = "D" + Providers.newChatId();
        FakeProviders.wireMock().stubFor(post(urlPathEqualTo("/slack/chat.postMessage"))
                .withRequestBody(matchingJsonPath("$.channel", equalTo(dm)))
                .inScenario("429-" + dm).whenScenarioStateIs(STARTED).willSetStateTo("waited").atPriority(1)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")
                        .withHeader("Content-Type", "application/json").withBody("{\"ok\":false,\"error\":\"ratelimited\"}")));
        signed(directMessage("Ev" + dm, dm, "hello")).post(WEBHOOK).then().statusCode(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> posts(dm).size() == 2);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> posts(dm).size() == 2);
        assertTrue(kafka.deadLetters("slack:" + FakeProviders.SLACK + ":" + dm).isEmpty());
    }

    private InboundMessage single(String session) {
        List<InboundMessage> published = kafka.inbound(session, 1);
        assertEquals(1, published.size(), "one inbound message: " + published);
        return published.getFirst();
    }

    private static List<JsonNode> posts(String channel) {
        return Providers.calls("/slack/chat.postMessage", "channel", channel);
    }

    private static RequestSpecification signed(String body) {
        return signed(body, "application/json");
    }

    private static RequestSpecification signed(String body, String contentType) {
        long now = Instant.now().getEpochSecond();
        return given().contentType(contentType).header("X-Slack-Request-Timestamp", now)
                .header("X-Slack-Signature", Signing.slack(FakeProviders.SLACK_SIGNING_SECRET, now, body)).body(body);
    }

    /** An event_callback with a message.im event, as in the Events API documentation. */
    static String directMessage(String eventId, String dm, String text) {
        return """
                {"token": "XXYYZZ", "team_id": "T123ABC456", "api_app_id": "A123ABC456",
                 "event": {"type": "message", "channel": "%s", "user": "%s", "text": "%s",
                           "ts": "1355517523.000005", "event_ts": "1355517523.000005", "channel_type": "im"},
                 "type": "event_callback", "authed_users": ["U061F7AUR"], "event_id": "%s", "event_time": 1355517523}"""
                .formatted(dm, USER, text, eventId);
    }

    /** An event_callback with an app_mention event in a channel. */
    static String mention(String eventId, String channel, String ts, String text) {
        return """
                {"token": "XXYYZZ", "team_id": "T123ABC456", "api_app_id": "A123ABC456",
                 "event": {"type": "app_mention", "user": "%s", "text": "%s", "ts": "%s", "channel": "%s", "event_ts": "%s"},
                 "type": "event_callback", "event_id": "%s", "event_time": 1515449522}"""
                .formatted(USER, text, ts, channel, ts, eventId);
    }

    /** A block_actions interaction: the user pressed the button of {@code value} in {@code blockId}. */
    static String blockActions(String channel, String blockId, String value) {
        return """
                {"type": "block_actions", "user": {"id": "%s", "username": "ana", "team_id": "T123ABC456"},
                 "api_app_id": "A123ABC456", "token": "XXYYZZ", "trigger_id": "12466734323.1395872398.ab13",
                 "team": {"id": "T123ABC456", "domain": "example"},
                 "container": {"type": "message", "message_ts": "1764000000.000100", "channel_id": "%s", "is_ephemeral": false},
                 "channel": {"id": "%s", "name": "directmessage"},
                 "actions": [{"action_id": "capsule-0", "block_id": "%s", "text": {"type": "plain_text", "text": "Yes"},
                              "value": "%s", "type": "button", "action_ts": "1764000001.000200"}]}"""
                .formatted(USER, channel, channel, blockId, value);
    }

    /**
     * A block_actions interaction for a press of a link button: Slack opens the link and posts the
     * press too, without a value and under the block_id it gave the section.
     */
    static String linkPress(String channel, String actionId) {
        return """
                {"type": "block_actions", "user": {"id": "%s", "username": "ana", "team_id": "T123ABC456"},
                 "api_app_id": "A123ABC456", "token": "XXYYZZ", "trigger_id": "12466734323.1395872398.ab14",
                 "team": {"id": "T123ABC456", "domain": "example"},
                 "container": {"type": "message", "message_ts": "1764000000.000100", "channel_id": "%s", "is_ephemeral": false},
                 "channel": {"id": "%s", "name": "directmessage"},
                 "actions": [{"action_id": "%s", "block_id": "Vx1q", "text": {"type": "plain_text", "text": "Connect GitHub"},
                              "type": "button", "action_ts": "1764000001.000300"}]}"""
                .formatted(USER, channel, channel, actionId);
    }
}
