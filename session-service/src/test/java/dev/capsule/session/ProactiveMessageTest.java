package dev.capsule.session;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.events.EventCodec;
import dev.capsule.events.EventMeta;
import dev.capsule.events.InboundMessage;
import dev.capsule.events.ProactiveMessage;
import dev.capsule.events.Reply;
import dev.capsule.events.Topics;
import dev.capsule.events.TraceContext;
import dev.capsule.events.TurnEnded;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.PostgresResource;
import dev.capsule.testing.RedisResource;
import dev.capsule.testing.TestStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Session.sendTo: a message into a conversation outside its turns, on that conversation's channel, for its owner only. */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class ProactiveMessageTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    KafkaTestClient kafka;

    @BeforeEach
    void connect() {
        // Web sessions answer on capsule.outbound, named channels' on capsule.outbound.channels.
        kafka = new KafkaTestClient(Topics.OUTBOUND, Topics.OUTBOUND_CHANNELS);
    }

    @AfterEach
    void disconnect() {
        kafka.close();
    }

    @Test
    void aMessageSentToAnotherConversationOfTheSameUserIsARepliedTurnOnThatConversationsChannel() {
        String telegram = "telegram:demo-telegram:" + UUID.randomUUID();
        String web = "s-" + UUID.randomUUID();
        InboundMessage there = InboundMessage.of(EventMeta.next(telegram, TraceContext.NONE), KafkaTestClient.user("ana"),
                "demo-telegram", "hi", "42||");
        kafka.sendRaw(there);
        await().atMost(WAIT).until(() -> kafka.of(telegram, TurnEnded.class).size() == 1);

        kafka.send(web, "ana", "/send-to " + telegram + " your report is ready");

        await().atMost(WAIT).until(() -> kafka.of(telegram, TurnEnded.class).size() == 2);
        Reply proactive = kafka.of(telegram, Reply.class).getLast();
        assertEquals("your report is ready", proactive.text());
        assertEquals("demo-telegram", proactive.channel(), "on the channel the conversation lives on");
        assertNull(proactive.route(), "no route: the adapter finds the chat from the session id");
        assertEquals(kafka.of(telegram, Reply.class).getFirst().seq() + 2, proactive.seq(), "next in the session's sequence");
        assertEquals("sent", kafka.of(web, Reply.class).getFirst().text());
    }

    @Test
    void aMessageForAnotherUsersConversationIsDropped() {
        String anas = "s-" + UUID.randomUUID();
        kafka.send(anas, "ana", "hello");
        await().atMost(WAIT).until(() -> kafka.of(anas, TurnEnded.class).size() == 1);

        String bobs = "s-" + UUID.randomUUID();
        kafka.send(bobs, "bob", "/send-to " + anas + " not yours");
        await().atMost(WAIT).until(() -> kafka.of(bobs, TurnEnded.class).size() == 1);
        kafka.send(anas, "ana", "again");
        await().atMost(WAIT).until(() -> kafka.of(anas, TurnEnded.class).size() == 2);
        assertTrue(kafka.of(anas, Reply.class).stream().noneMatch(r -> r.text().equals("not yours")));
    }

    @Test
    void theSameProactiveMessageDeliveredTwiceIsRepliedOnce() {
        String session = "s-" + UUID.randomUUID();
        kafka.send(session, "ana", "hello");
        await().atMost(WAIT).until(() -> kafka.of(session, TurnEnded.class).size() == 1);

        ProactiveMessage m = ProactiveMessage.of(EventMeta.next(session, TraceContext.NONE), KafkaTestClient.user("ana"), "elsewhere", "ping");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestStack.kafka().bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.INBOUND, session, EventCodec.encode(m)));
            producer.send(new ProducerRecord<>(Topics.INBOUND, session, EventCodec.encode(m)));
        }
        kafka.send(session, "ana", "after");
        await().atMost(WAIT).until(() -> kafka.of(session, TurnEnded.class).size() == 3);
        List<String> replies = kafka.of(session, Reply.class).stream().map(Reply::text).toList();
        assertEquals(1, replies.stream().filter("ping"::equals).count(), replies.toString());
    }
}
