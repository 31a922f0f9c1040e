package dev.capsule.adapters;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capsule.adapters.config.BoundChannels;
import dev.capsule.adapters.whatsapp.WhatsAppAdapter;
import dev.capsule.events.InboundMessage;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.RedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = FakeProviders.class, restrictToAnnotatedClass = false)
class WhatsAppTest {

    private static final String WEBHOOK = "/channels/" + FakeProviders.WHATSAPP + "/webhook";

    private final KafkaProbe kafka = KafkaProbe.get();

    @Inject
    WhatsAppAdapter adapter;

    @Inject
    BoundChannels channels;

    @Test
    void theSubscriptionHandshakeEchoesTheChallengeOnlyForTheVerifyToken() {
        given().queryParam("hub.mode", "subscribe").queryParam("hub.verify_token", FakeProviders.WHATSAPP_VERIFY_TOKEN)
                .queryParam("hub.challenge", "1158201444").get(WEBHOOK).then().statusCode(200).body(equalTo("1158201444"));
        given().queryParam("hub.mode", "subscribe").queryParam("hub.verify_token", "guess")
                .queryParam("hub.challenge", "1158201444").get(WEBHOOK).then().statusCode(403);
    }

    @Test
    void aSignedTextMessageIsTheSendersSessionAndTheReplyGoesToTheMessagesEndpoint() {
        String from = Providers.newChatId();
        signed(text(from, "wamid.a" + from, "hello")).post(WEBHOOK).then().statusCode(200);

        InboundMessage m = single(from);
        assertEquals("hello", m.text());
        assertEquals("whatsapp:" + FakeProviders.WHATSAPP + ":" + from, m.user().id());
        await().atMost(Duration.ofSeconds(20)).until(() -> sends(from).size() == 1);
        JsonNode reply = sends(from).getFirst();
        assertEquals("whatsapp", reply.path("messaging_product").asText());
        assertEquals("text", reply.path("type").asText());
        assertEquals("echo: hello", reply.path("text").path("body").asText());
    }

    @Test
    void aStreamedReplyArrivesAsOneFinishedMessage() {
        String from = Providers.newChatId();
        signed(text(from, "wamid.s" + from, "/stream")).post(WEBHOOK).then().statusCode(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> sends(from).size() == 1);
        assertEquals(FakeTurns.STREAM_TEXT, sends(from).getFirst().path("text").path("body").asText());
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> sends(from).size() == 1);
    }

    @Test
    void aNotifyIsATypingIndicatorOnTheUsersMessage() {
        String from = Providers.newChatId();
        String wamid = "wamid.n" + from;
        signed(text(from, wamid, "/notify")).post(WEBHOOK).then().statusCode(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> sends(from).size() == 1);
        List<JsonNode> typing = Providers.calls("/whatsapp/[^/]+/messages", "message_id", wamid);
        assertEquals(1, typing.size());
        assertEquals("read", typing.getFirst().path("status").asText());
        assertEquals("text", typing.getFirst().path("typing_indicator").path("type").asText());
    }

    @Test
    void aChoiceListIsReplyButtonsAndAButtonOrListReplyComesBackAsAnActionWithTheChoicesValueAndLabel() {
        String from = Providers.newChatId();
        signed(text(from, "wamid.c" + from, "/card")).post(WEBHOOK).then().statusCode(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> sends(from).size() == 1);
        JsonNode card = sends(from).getFirst();
        assertEquals("interactive", card.path("type").asText());
        assertEquals("button", card.path("interactive").path("type").asText());
        assertEquals("Ship it?", card.path("interactive").path("body").path("text").asText());
        JsonNode yes = card.path("interactive").path("action").path("buttons").get(0).path("reply");
        assertEquals("yes", yes.path("id").asText());
        assertEquals("Yes", yes.path("title").asText());

        signed(buttonReply(from, "wamid.r" + from, "yes", "Yes")).post(WEBHOOK).then().statusCode(200);
        signed(listReply(from, "wamid.l" + from, "later", "Not yet")).post(WEBHOOK).then().statusCode(200);
        String session = "whatsapp:" + FakeProviders.WHATSAPP + ":" + from;
        List<InboundMessage> inbound = kafka.inbound(session, 3);
        assertEquals(List.of("/card", "yes", "later"), inbound.stream().map(InboundMessage::text).toList());
        assertEquals(null, inbound.get(0).action(), "typed text is no press");
        assertEquals(new InboundMessage.Action("yes", "Yes"), inbound.get(1).action());
        assertEquals(new InboundMessage.Action("later", "Not yet"), inbound.get(2).action());
    }

    @Test
    void anIntegrationPromptIsACallToActionUrlButton() {
        String from = Providers.newChatId();
        signed(text(from, "wamid.i" + from, "/connect")).post(WEBHOOK).then().statusCode(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> sends(from).size() == 1);
        JsonNode prompt = sends(from).getFirst();
        assertEquals("interactive", prompt.path("type").asText());
        JsonNode interactive = prompt.path("interactive");
        assertEquals("cta_url", interactive.path("type").asText());
        assertEquals("Connect GitHub to go on.", interactive.path("body").path("text").asText());
        assertEquals("cta_url", interactive.path("action").path("name").asText());
        JsonNode parameters = interactive.path("action").path("parameters");
        assertEquals("Connect GitHub", parameters.path("display_text").asText());
        assertEquals(FakeTurns.CONNECT_URL, parameters.path("url").asText());
    }

    @Test
    void theSameWamidDeliveredThreeTimesMakesOneTurnAndOneReply() {
        String from = Providers.newChatId();
        String body = text(from, "wamid.d" + from, "once please");
        for (int i = 0; i < 3; i++) {
            signed(body).post(WEBHOOK).then().statusCode(200);
        }
        single(from);
        await().atMost(Duration.ofSeconds(20)).until(() -> sends(from).size() == 1);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> sends(from).size() == 1);
        assertEquals(1, kafka.inbound("whatsapp:" + FakeProviders.WHATSAPP + ":" + from).size());
    }

    @Test
    void aMissingOrWrongSignatureIsRefusedWith401AndNothingIsPublished() {
        String from = Providers.newChatId();
        String body = text(from, "wamid.x" + from, "forged");
        given().contentType("application/json").body(body).post(WEBHOOK).then().statusCode(401);
        given().contentType("application/json").header("X-Hub-Signature-256", Signing.meta("wrong-secret", body))
                .body(body).post(WEBHOOK).then().statusCode(401);
        signed(text(from, "wamid.y" + from, "genuine")).post(WEBHOOK).then().statusCode(200);
        assertEquals("genuine", single(from).text());
    }

    @Test
    void aStatusCallbackIsRecordedAndNotTakenForAMessage() {
        String to = Providers.newChatId();
        String wamid = "wamid.status" + to;
        signed(status(to, wamid, "delivered")).post(WEBHOOK).then().statusCode(200);

        await().atMost(Duration.ofSeconds(10)).until(() -> "delivered".equals(
                adapter.status(channels.get(FakeProviders.WHATSAPP).orElseThrow(), wamid)));
        assertTrue(kafka.inbound("whatsapp:" + FakeProviders.WHATSAPP + ":" + to).isEmpty());
    }

    private InboundMessage single(String from) {
        List<InboundMessage> published = kafka.inbound("whatsapp:" + FakeProviders.WHATSAPP + ":" + from, 1);
        assertEquals(1, published.size(), "one inbound message: " + published);
        return published.getFirst();
    }

    private static List<JsonNode> sends(String to) {
        return Providers.calls("/whatsapp/" + FakeProviders.WHATSAPP_PHONE_ID + "/messages", "to", to);
    }

    private static RequestSpecification signed(String body) {
        return given().contentType("application/json")
                .header("X-Hub-Signature-256", Signing.meta(FakeProviders.WHATSAPP_APP_SECRET, body)).body(body);
    }

    private static String envelope(String value) {
        return """
                {"object": "whatsapp_business_account",
                 "entry": [{"id": "102290129340398",
                   "changes": [{"field": "messages", "value": {"messaging_product": "whatsapp",
                     "metadata": {"display_phone_number": "15550783881", "phone_number_id": "%s"}, %s}}]}]}"""
                .formatted(FakeProviders.WHATSAPP_PHONE_ID, value);
    }

    /** A text message notification, as in the Cloud API's webhook documentation. */
    static String text(String from, String wamid, String body) {
        return envelope("""
                "contacts": [{"profile": {"name": "Sheena Nelson"}, "wa_id": "%s"}],
                "messages": [{"from": "%s", "id": "%s", "timestamp": "1749416383", "type": "text", "text": {"body": "%s"}}]"""
                .formatted(from, from, wamid, body));
    }

    /** A reply button press on an interactive message. */
    static String buttonReply(String from, String wamid, String id, String title) {
        return envelope("""
                "contacts": [{"profile": {"name": "Sheena Nelson"}, "wa_id": "%s"}],
                "messages": [{"context": {"from": "15550783881", "id": "wamid.HBgLMTU1NTAwMDAwMDAVAgARGBI0RkFLRQA="},
                  "from": "%s", "id": "%s", "timestamp": "1749416390", "type": "interactive",
                  "interactive": {"type": "button_reply", "button_reply": {"id": "%s", "title": "%s"}}}]"""
                .formatted(from, from, wamid, id, title));
    }

    /** A list row chosen on an interactive list message, as in the Cloud API's webhook documentation. */
    static String listReply(String from, String wamid, String id, String title) {
        return envelope("""
                "contacts": [{"profile": {"name": "Sheena Nelson"}, "wa_id": "%s"}],
                "messages": [{"context": {"from": "15550783881", "id": "wamid.HBgLMTU1NTAwMDAwMDAVAgARGBI0RkFLRQA="},
                  "from": "%s", "id": "%s", "timestamp": "1749416391", "type": "interactive",
                  "interactive": {"type": "list_reply", "list_reply": {"id": "%s", "title": "%s", "description": ""}}}]"""
                .formatted(from, from, wamid, id, title));
    }

    /** A status notification for a message the business sent. */
    static String status(String to, String wamid, String state) {
        return envelope("""
                "statuses": [{"id": "%s", "status": "%s", "timestamp": "1750263773", "recipient_id": "%s",
                  "pricing": {"billable": true, "pricing_model": "PMP", "category": "service", "type": "free_customer_service"}}]"""
                .formatted(wamid, state, to));
    }
}
