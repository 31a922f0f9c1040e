package dev.capsule.adapters;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.events.EventMeta;
import dev.capsule.events.Reply;
import dev.capsule.events.Topics;
import dev.capsule.events.TraceContext;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.RedisResource;
import dev.capsule.testing.TestStack;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Nothing lost, nothing doubled, on the way out: what holds across redeliveries, crashes and slow providers. */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = FakeProviders.class, restrictToAnnotatedClass = false)
class DeliveryGuaranteesTest {

    private final KafkaProbe kafka = KafkaProbe.get();

    @Inject
    RedisDataSource redis;

    @Test
    void anEventReadAgainAfterACrashIsNotSentTwice() {
        String chat = Providers.newChatId();
        Reply reply = reply(chat, "just once", chat + "||");
        kafka.publish(reply);
        await().atMost(Duration.ofSeconds(20)).until(() -> Providers.telegram("sendMessage", chat).size() == 1);

        kafka.publish(reply); // the same event again, as a replica that died before committing would leave it
        kafka.publish(reply(chat, "next", chat + "||"));
        await().atMost(Duration.ofSeconds(20)).until(() -> Providers.telegram("sendMessage", chat).size() == 2);
        assertEquals("next", Providers.telegram("sendMessage", chat).getLast().path("text").asText());
    }

    @Test
    void anEventWhoseEarlierAttemptHasNoKnownOutcomeIsDeadLetteredAndNotSentAgain() {
        String chat = Providers.newChatId();
        Reply reply = reply(chat, "maybe sent already", chat + "||");
        // A replica called the provider for this event and died before it learnt the outcome.
        redis.value(String.class).set("capsule:adapters:attempt:" + reply.eventId(), "1");
        kafka.publish(reply);

        await().atMost(Duration.ofSeconds(20)).until(() -> kafka.deadLetters(reply.sessionId()).size() == 1);
        assertTrue(kafka.deadLetters(reply.sessionId()).getFirst().reason().contains("without a known outcome"));
        assertEquals(0, Providers.telegram("sendMessage", chat).size());
    }

    @Test
    void aSendThatTimesOutIsNotRetriedBlindlyButDeadLettered() {
        String chat = Providers.newChatId();
        FakeProviders.wireMock().stubFor(post(urlPathMatching("/telegram/bot[^/]+/sendMessage"))
                .withRequestBody(matchingJsonPath("$.chat_id", equalTo(chat))).atPriority(1)
                .willReturn(okJson("{\"ok\":true,\"result\":{\"message_id\":7}}").withFixedDelay(4_000)));
        Reply reply = reply(chat, "slow", chat + "||");
        kafka.publish(reply);

        await().atMost(Duration.ofSeconds(20)).until(() -> kafka.deadLetters(reply.sessionId()).size() == 1);
        assertTrue(kafka.deadLetters(reply.sessionId()).getFirst().reason().contains("may have delivered it"));
        assertEquals(1, Providers.telegram("sendMessage", chat).size(), "one try: the provider may have delivered it");
    }

    @Test
    void anUnreadableOutboundRecordIsDeadLetteredWithItsReasonAndTheChatGoesOn() {
        String chat = Providers.newChatId();
        kafka.publishRaw(session(chat), "{\"type\":\"reply\",\"schemaVersion\":\"9.0\"".getBytes(StandardCharsets.UTF_8));
        kafka.publish(reply(chat, "still here", chat + "||"));

        await().atMost(Duration.ofSeconds(20)).until(() -> kafka.deadLetters(session(chat)).size() == 1);
        KafkaProbe.DeadLetter letter = kafka.deadLetters(session(chat)).getFirst();
        assertTrue(letter.reason().startsWith("unreadable outbound event"), letter.reason());
        assertEquals(FakeProviders.TELEGRAM, letter.channel());
        await().atMost(Duration.ofSeconds(20)).until(() -> Providers.telegram("sendMessage", chat).size() == 1);
        assertEquals("still here", Providers.telegram("sendMessage", chat).getFirst().path("text").asText());
    }

    @Test
    void anEventWithoutARouteFindsItsChatInTheSessionId() {
        String chat = Providers.newChatId();
        kafka.publish(reply(chat, "proactive", null));
        await().atMost(Duration.ofSeconds(20)).until(() -> Providers.telegram("sendMessage", chat).size() == 1);
        assertEquals("proactive", Providers.telegram("sendMessage", chat).getFirst().path("text").asText());
    }

    @Test
    void theGroupCommitsAnOffsetOnlyOnceItsEventIsDelivered() throws Exception {
        String chat = Providers.newChatId();
        FakeProviders.wireMock().stubFor(post(urlPathMatching("/telegram/bot[^/]+/sendMessage"))
                .withRequestBody(matchingJsonPath("$.chat_id", equalTo(chat))).atPriority(1)
                .willReturn(aResponse().withStatus(503).withBody("busy")));
        RecordMetadata at = kafka.publishAt(reply(chat, "held up", chat + "||"));
        TopicPartition partition = new TopicPartition(Topics.OUTBOUND_CHANNELS, at.partition());

        await().atMost(Duration.ofSeconds(10)).until(() -> Providers.telegram("sendMessage", chat).size() >= 1);
        assertTrue(committed(partition) <= at.offset(), "not committed past an event still being tried");

        await().atMost(Duration.ofSeconds(20)).until(() -> kafka.deadLetters(session(chat)).size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> committed(partition) > at.offset());
    }

    private static long committed(TopicPartition partition) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestStack.kafka().bootstrapServers()))) {
            OffsetAndMetadata o = admin.listConsumerGroupOffsets("channel-adapters").partitionsToOffsetAndMetadata().get().get(partition);
            return o == null ? -1 : o.offset();
        }
    }

    private static String session(String chat) {
        return "telegram:" + FakeProviders.TELEGRAM + ":" + chat;
    }

    private static Reply reply(String chat, String text, String route) {
        return Reply.of(EventMeta.next(session(chat), TraceContext.NONE), "inbound-" + chat, 1, FakeProviders.TELEGRAM, route, text);
    }
}
