package dev.capsule.adapters;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capsule.events.EventMeta;
import dev.capsule.events.InboundMessage;
import dev.capsule.events.Reply;
import dev.capsule.events.TraceContext;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.MonitoringQueries;
import dev.capsule.testing.RedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = FakeProviders.class, restrictToAnnotatedClass = false)
class TelegramTest {

    private static final String WEBHOOK = "/channels/" + FakeProviders.TELEGRAM + "/webhook";

    private final KafkaProbe kafka = KafkaProbe.get();

    @Test
    void aSignedTextMessageBecomesOneInboundMessageOfTheChatsSessionAndItsReplyIsSent() {
        String chat = Providers.newChatId();
        deliver(message(1, chat, "hello")).then().statusCode(200);

        String session = "telegram:" + FakeProviders.TELEGRAM + ":" + chat;
        List<InboundMessage> published = kafka.inbound(session, 1);
        assertEquals(1, published.size());
        InboundMessage m = published.getFirst();
        assertEquals("hello", m.text());
        assertEquals(FakeProviders.TELEGRAM, m.channel());
        assertEquals("telegram:" + FakeProviders.TELEGRAM + ":" + chat, m.user().id());
        assertEquals(m.user().id(), m.user().ownerId());

        await().atMost(Duration.ofSeconds(20)).until(() -> Providers.telegram("sendMessage", chat).size() == 1);
        assertEquals("echo: hello", Providers.telegram("sendMessage", chat).getFirst().path("text").asText());

        // /q/metrics counts the delivery, by channel and outcome, beside the delivery consumer's own metrics.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
            assertTrue(metrics.contains("capsule_channel_deliveries_total{channel=\"" + FakeProviders.TELEGRAM
                    + "\",outcome=\"delivered\"}"), metrics);
            assertTrue(metrics.contains("kafka_consumer_fetch_manager_records_consumed_total{client_id=\"channel-adapters-delivery\""),
                    "the delivery consumer's own metrics, under its name");
            MonitoringQueries.assertServed("channel-adapters", metrics);
        });
    }

    @Test
    void aStreamedReplyIsOneMessageEditedInPlaceEndingWithTheWholeText() {
        String chat = Providers.newChatId();
        deliver(message(1, chat, "/stream")).then().statusCode(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> Providers.telegram("editMessageText", chat).stream()
                .anyMatch(e -> e.path("text").asText().equals(FakeTurns.STREAM_TEXT)));
        List<JsonNode> sends = Providers.telegram("sendMessage", chat);
        assertEquals(1, sends.size(), "one message, opened by the first chunk");
        assertEquals(FakeTurns.STREAM.getFirst(), sends.getFirst().path("text").asText());
        List<JsonNode> edits = Providers.telegram("editMessageText", chat);
        assertTrue(edits.stream().allMatch(e -> e.path("message_id").asLong() == 1001), "every edit is of the sent message");
        assertTrue(edits.size() < FakeTurns.STREAM.size(), "edits are throttled, not one per chunk: " + edits.size());
        assertEquals(FakeTurns.STREAM_TEXT, edits.getLast().path("text").asText(), "the last edit holds the whole text");
    }

    @Test
    void aChoiceListIsAnInlineKeyboardAndAButtonPressComesBackAsAnActionWithTheChoicesValueAndLabel() {
        String chat = Providers.newChatId();
        deliver(message(1, chat, "/card")).then().statusCode(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> Providers.telegram("sendMessage", chat).size() == 1);
        JsonNode card = Providers.telegram("sendMessage", chat).getFirst();
        assertEquals("Ship it?", card.path("text").asText());
        JsonNode keyboard = card.path("reply_markup").path("inline_keyboard");
        assertEquals("Yes", keyboard.get(0).get(0).path("text").asText());
        assertEquals("yes", keyboard.get(0).get(0).path("callback_data").asText());
        assertEquals("later", keyboard.get(1).get(0).path("callback_data").asText());

        deliver(callback(2, chat, "cbq-" + chat, "yes", keyboard)).then().statusCode(200);

        String session = "telegram:" + FakeProviders.TELEGRAM + ":" + chat;
        List<InboundMessage> inbound = kafka.inbound(session, 2);
        assertEquals(List.of("/card", "yes"), inbound.stream().map(InboundMessage::text).toList());
        assertEquals(null, inbound.get(0).action(), "typed text is no press");
        assertEquals(new InboundMessage.Action("yes", "Yes"), inbound.get(1).action(), "the label is the pressed button's text");
        await().atMost(Duration.ofSeconds(20)).until(() -> !Providers.calls("/telegram/bot[^/]+/answerCallbackQuery",
                "callback_query_id", "cbq-" + chat).isEmpty());
        await().atMost(Duration.ofSeconds(20)).until(() -> Providers.telegram("sendMessage", chat).stream()
                .anyMatch(m -> m.path("text").asText().equals("echo: yes")));
    }

    @Test
    void aChoiceTooLongForCallbackDataStillHasAButtonAndItsPressComesBackAsTheWholeValueLabelledByItWithoutTheKeyboard() {
        String chat = Providers.newChatId();
        deliver(message(1, chat, "/long-card")).then().statusCode(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> Providers.telegram("sendMessage", chat).size() == 1);
        JsonNode keyboard = Providers.telegram("sendMessage", chat).getFirst().path("reply_markup").path("inline_keyboard");
        assertEquals(2, keyboard.size(), "a button for each choice");
        assertEquals("basic", keyboard.get(0).get(0).path("callback_data").asText());
        String token = keyboard.get(1).get(0).path("callback_data").asText();
        assertTrue(token.getBytes(StandardCharsets.UTF_8).length <= 64, token);

        deliver(callback(2, chat, "cbq-" + chat, token)).then().statusCode(200);
        String session = "telegram:" + FakeProviders.TELEGRAM + ":" + chat;
        List<InboundMessage> inbound = kafka.inbound(session, 2);
        assertEquals(List.of("/long-card", FakeTurns.LONG_VALUE), inbound.stream().map(InboundMessage::text).toList());
        // The update carries no reply_markup here (Telegram leaves it out of messages too old), so the value is the label.
        assertEquals(new InboundMessage.Action(FakeTurns.LONG_VALUE, FakeTurns.LONG_VALUE), inbound.get(1).action());
    }

    @Test
    void anIntegrationPromptIsItsTextWithAUrlButtonThatOpensTheLinkInsteadOfCallingBack() {
        String chat = Providers.newChatId();
        deliver(message(1, chat, "/connect")).then().statusCode(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> Providers.telegram("sendMessage", chat).size() == 1);
        JsonNode prompt = Providers.telegram("sendMessage", chat).getFirst();
        assertEquals("Connect GitHub to go on.", prompt.path("text").asText());
        JsonNode keyboard = prompt.path("reply_markup").path("inline_keyboard");
        assertEquals(1, keyboard.size());
        JsonNode button = keyboard.get(0).get(0);
        assertEquals("Connect GitHub", button.path("text").asText());
        assertEquals(FakeTurns.CONNECT_URL, button.path("url").asText());
        assertFalse(button.has("callback_data"), "a button has exactly one of url and callback_data: " + button);
    }

    @Test
    void aPressOfAButtonWhoseValueIsGoneSaysSoAndSendsNothing() {
        String chat = Providers.newChatId();
        deliver(callback(1, chat, "cbq-gone-" + chat, "cv1:not-a-token-this-replica-ever-gave")).then().statusCode(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> Providers.calls("/telegram/bot[^/]+/answerCallbackQuery",
                "callback_query_id", "cbq-gone-" + chat).stream().anyMatch(c -> c.path("text").asText().contains("expired")));
        deliver(message(2, chat, "after")).then().statusCode(200);
        String session = "telegram:" + FakeProviders.TELEGRAM + ":" + chat;
        assertEquals(List.of("after"), kafka.inbound(session, 1).stream().map(InboundMessage::text).toList(),
                "nothing was published for the press");
    }

    @Test
    void aNotifyIsTheTypingActionBeforeTheReply() {
        String chat = Providers.newChatId();
        deliver(message(1, chat, "/notify")).then().statusCode(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> Providers.telegram("sendMessage", chat).size() == 1);
        List<JsonNode> actions = Providers.telegram("sendChatAction", chat);
        assertEquals(1, actions.size());
        assertEquals("typing", actions.getFirst().path("action").asText());
    }

    @Test
    void eachMemberOfAGroupHasASessionOfTheirOwnAnsweredInTheGroup() {
        String group = "-100" + Providers.newChatId();
        String ana = Providers.newChatId();
        String bo = Providers.newChatId();
        deliver(groupMessage(1, group, ana, "from ana")).then().statusCode(200);
        deliver(groupMessage(2, group, bo, "from bo")).then().statusCode(200);

        assertEquals("from ana", kafka.inbound("telegram:" + FakeProviders.TELEGRAM + ":" + group + ":u." + ana, 1).getFirst().text());
        assertEquals("from bo", kafka.inbound("telegram:" + FakeProviders.TELEGRAM + ":" + group + ":u." + bo, 1).getFirst().text());
        await().atMost(Duration.ofSeconds(20)).until(() -> Providers.telegram("sendMessage", group).size() == 2);
    }

    @Test
    void theSameUpdateDeliveredThreeTimesMakesOneTurnAndOneReply() {
        String chat = Providers.newChatId();
        String update = message(7, chat, "once please");
        for (int i = 0; i < 3; i++) {
            deliver(update).then().statusCode(200);
        }
        String session = "telegram:" + FakeProviders.TELEGRAM + ":" + chat;
        assertEquals(1, kafka.inbound(session, 1).size());

        await().atMost(Duration.ofSeconds(20)).until(() -> Providers.telegram("sendMessage", chat).size() == 1);
        deliver(message(8, chat, "after")).then().statusCode(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> Providers.telegram("sendMessage", chat).size() == 2);
        assertEquals(List.of("echo: once please", "echo: after"),
                Providers.telegram("sendMessage", chat).stream().map(m -> m.path("text").asText()).toList());
        assertEquals(List.of("once please", "after"), kafka.inbound(session).stream().map(InboundMessage::text).toList());
    }

    @Test
    void aMissingOrWrongSecretTokenIsRefusedWith401AndNothingIsPublished() {
        String chat = Providers.newChatId();
        given().contentType("application/json").body(message(1, chat, "unsigned")).post(WEBHOOK).then().statusCode(401);
        given().contentType("application/json").header("X-Telegram-Bot-Api-Secret-Token", "wrong")
                .body(message(2, chat, "forged")).post(WEBHOOK).then().statusCode(401);
        given().contentType("application/json").header("X-Telegram-Bot-Api-Secret-Token", FakeProviders.TELEGRAM_SECRET)
                .body(message(3, chat, "signed")).post(WEBHOOK).then().statusCode(200);

        String session = "telegram:" + FakeProviders.TELEGRAM + ":" + chat;
        assertEquals(List.of("signed"), kafka.inbound(session, 1).stream().map(InboundMessage::text).toList());
    }

    @Test
    void aSignedButUnreadableUpdateIsRefusedWith400AndNothingIsPublishedWhileTheChatGoesOn() {
        String chat = Providers.newChatId();
        deliver("not json").then().statusCode(400);
        deliver(message(1, chat, "no integer id").replaceFirst("\"update_id\": \\d+", "\"update_id\": \"x y\"")).then().statusCode(400);
        deliver(message(2, chat, "no chat").replaceFirst("\"id\": " + chat + ", \"first_name\": \"Ana\", \"username\": \"ana\", \"type\"",
                "\"id\": \"../x\", \"type\"")).then().statusCode(400);
        deliver(message(3, chat, "readable")).then().statusCode(200);

        assertEquals(List.of("readable"), kafka.inbound(session(chat), 1).stream().map(InboundMessage::text).toList());
    }

    @Test
    void aWebhookForAChannelThatIsNotBoundIsNotFound() {
        given().contentType("application/json").header("X-Telegram-Bot-Api-Secret-Token", FakeProviders.TELEGRAM_SECRET)
                .body(message(1, "1", "hi")).post("/channels/nobody/webhook").then().statusCode(404);
    }

    @Test
    void aRateLimitedSendIsDeliveredOnceAfterTheRetryAfterWait() {
        String chat = Providers.newChatId();
        FakeProviders.wireMock().stubFor(post(urlPathMatching("/telegram/bot[^/]+/sendMessage"))
                .withRequestBody(matchingJsonPath("$.chat_id", equalTo(chat)))
                .inScenario("429-" + chat).whenScenarioStateIs(STARTED).willSetStateTo("waited")
                .atPriority(1)
                .willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests: retry after 1\","
                                + "\"parameters\":{\"retry_after\":1}}")));

        Instant sent = Instant.now();
        kafka.publish(reply(chat, "after the wait"));

        await().atMost(Duration.ofSeconds(20)).until(() -> Providers.telegram("sendMessage", chat).size() == 2);
        Duration took = Duration.between(sent, Instant.now());
        assertTrue(took.compareTo(Duration.ofMillis(950)) >= 0, "waited retry_after before trying again: " + took);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                .until(() -> Providers.telegram("sendMessage", chat).size() == 2);
        assertTrue(kafka.deadLetters(session(chat)).isEmpty());
    }

    @Test
    void aProviderThatStaysDownDeadLettersAfterTheConfiguredTriesWhileOtherChatsGetTheirReplies() {
        String down = Providers.newChatId();
        String fine = Providers.newChatId();
        FakeProviders.wireMock().stubFor(post(urlPathMatching("/telegram/bot[^/]+/sendMessage"))
                .withRequestBody(matchingJsonPath("$.chat_id", equalTo(down)))
                .atPriority(1)
                .willReturn(aResponse().withStatus(502).withBody("Bad Gateway")));

        kafka.publish(reply(down, "into the void"));
        kafka.publish(reply(fine, "arrives"));

        await().atMost(Duration.ofSeconds(20)).until(() -> Providers.telegram("sendMessage", fine).size() == 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> kafka.deadLetters(session(down)).size() == 1);
        assertEquals(3, Providers.telegram("sendMessage", down).size(), "capsule.delivery.max-attempts tries");
        KafkaProbe.DeadLetter letter = kafka.deadLetters(session(down)).getFirst();
        assertEquals(FakeProviders.TELEGRAM, letter.channel());
        assertTrue(letter.reason().contains("failed 3 times"), letter.reason());
        assertTrue(letter.event() instanceof Reply r && r.text().equals("[redacted: 13 characters]"),
                "the letter is the reply without its text: " + letter.event());
    }

    private static String session(String chat) {
        return "telegram:" + FakeProviders.TELEGRAM + ":" + chat;
    }

    /** A reply of a turn in {@code chat}'s session, as session-service publishes it. */
    private static Reply reply(String chat, String text) {
        String session = session(chat);
        return Reply.of(EventMeta.next(session, TraceContext.NONE), "inbound-" + chat, 1, FakeProviders.TELEGRAM,
                chat + "||", text);
    }

    private static io.restassured.response.Response deliver(String update) {
        return given().contentType("application/json").header("X-Telegram-Bot-Api-Secret-Token", FakeProviders.TELEGRAM_SECRET)
                .body(update).post(WEBHOOK);
    }

    /** A private-chat text message Update, as in the Bot API's documentation. */
    static String message(long updateId, String chat, String text) {
        return """
                {"update_id": %d,
                 "message": {"message_id": %d, "date": 1764000000,
                   "from": {"id": %s, "is_bot": false, "first_name": "Ana", "username": "ana", "language_code": "en"},
                   "chat": {"id": %s, "first_name": "Ana", "username": "ana", "type": "private"},
                   "text": "%s"}}""".formatted(Long.parseLong(chat) + updateId, 100 + updateId, chat, chat, text);
    }

    /** A text message from {@code from} in the group {@code group}. */
    static String groupMessage(long updateId, String group, String from, String text) {
        return """
                {"update_id": %d,
                 "message": {"message_id": %d, "date": 1764000000,
                   "from": {"id": %s, "is_bot": false, "first_name": "Member"},
                   "chat": {"id": %s, "title": "Team", "type": "supergroup"},
                   "text": "%s"}}""".formatted(Long.parseLong(from) + updateId, 100 + updateId, from, group, text);
    }

    /** A button press (callback_query) on the bot's message in {@code chat}, a message whose keyboard the update leaves out. */
    static String callback(long updateId, String chat, String callbackId, String data) {
        return callback(updateId, chat, callbackId, data, null);
    }

    /**
     * A button press (callback_query) on the bot's message in {@code chat}; the message carries its
     * {@code inline_keyboard} (as sent) in {@code reply_markup}, as Telegram's updates do.
     */
    static String callback(long updateId, String chat, String callbackId, String data, JsonNode keyboard) {
        String markup = keyboard == null ? "" : ", \"reply_markup\": {\"inline_keyboard\": " + keyboard + "}";
        return """
                {"update_id": %d,
                 "callback_query": {"id": "%s",
                   "from": {"id": %s, "is_bot": false, "first_name": "Ana", "username": "ana"},
                   "message": {"message_id": 1001, "date": 1764000000,
                     "from": {"id": 123456, "is_bot": true, "first_name": "Demo", "username": "demo_bot"},
                     "chat": {"id": %s, "first_name": "Ana", "type": "private"}, "text": "Ship it?"%s},
                   "chat_instance": "-4105783942385724960", "data": "%s"}}""".formatted(Long.parseLong(chat) + updateId,
                callbackId, chat, chat, markup, data);
    }
}
