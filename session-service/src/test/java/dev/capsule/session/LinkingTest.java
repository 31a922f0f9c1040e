package dev.capsule.session;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.events.EventMeta;
import dev.capsule.events.InboundLinked;
import dev.capsule.events.InboundMessage;
import dev.capsule.events.Reply;
import dev.capsule.events.Topics;
import dev.capsule.events.TraceContext;
import dev.capsule.events.UserRef;
import dev.capsule.integrations.identity.IdentityLinks;
import dev.capsule.integrations.identity.LinkCode;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.PostgresResource;
import dev.capsule.testing.RedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One user across channels: {@code /link} on a named channel gets a code from the runtime (the app never sees it);
 * once the app user confirms it (the gateway redeems it and sends {@code inbound.linked}), the channel identity's
 * sessions are the app user's: its owner scope, and {@code sendTo} from the app user's other sessions.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class LinkingTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final Pattern CODE = Pattern.compile("link code is ([A-Z2-9]{4}-[A-Z2-9]{4})");

    @Inject
    IdentityLinks links;

    KafkaTestClient kafka;

    @BeforeEach
    void connect() {
        kafka = new KafkaTestClient(Topics.INBOUND, Topics.OUTBOUND, Topics.OUTBOUND_CHANNELS);
    }

    @AfterEach
    void disconnect() {
        kafka.close();
    }

    @Test
    void aLinkedChannelIdentitysSessionsBecomeTheAppUsersAndMeetItsOtherSessions() {
        String telegramUser = "telegram:demo-telegram:" + UUID.randomUUID();
        String chat = "telegram:demo-telegram:c" + UUID.randomUUID();
        String otherChat = "telegram:demo-telegram:c" + UUID.randomUUID();
        UserRef alice = new UserRef("alice-" + UUID.randomUUID(), "alice@example.test", "team-" + UUID.randomUUID());

        fromTelegram(chat, telegramUser, "/me");
        await().atMost(WAIT).until(() -> replies(chat).size() == 1);
        assertEquals("user=" + telegramUser + " owner=" + telegramUser + " turn=1", replies(chat).getFirst());

        fromTelegram(chat, telegramUser, "/link");
        await().atMost(WAIT).until(() -> replies(chat).size() == 2);
        Matcher code = CODE.matcher(replies(chat).get(1));
        assertTrue(code.find(), replies(chat).get(1));

        // The gateway's side, as its LinksResource does: the code redeemed once, the link stored, the session told.
        LinkCode redeemed = OnVertxContext.await(() -> links.redeem(code.group(1).toLowerCase())).orElseThrow();
        assertEquals(telegramUser, redeemed.channelUserId);
        assertEquals(chat, redeemed.sessionId);
        assertTrue(OnVertxContext.await(() -> links.redeem(code.group(1))).isEmpty(), "a code works once");
        OnVertxContext.await(() -> links.link(telegramUser, alice.id(), alice.ownerId(), alice.email()));
        InboundLinked linked = InboundLinked.of(EventMeta.derived(chat, TraceContext.NONE, "linked/" + redeemed.code), telegramUser, alice);
        kafka.sendRaw(linked);
        kafka.sendRaw(linked); // a redelivery says nothing twice
        await().atMost(WAIT).until(() -> replies(chat).size() == 3);
        assertEquals("Linked: this conversation is now alice@example.test's, with their collections, connections and messages.",
                replies(chat).get(2));

        fromTelegram(chat, telegramUser, "/me");
        fromTelegram(otherChat, telegramUser, "/me");
        await().atMost(WAIT).until(() -> replies(chat).size() == 4 && replies(otherChat).size() == 1);
        assertEquals("user=" + alice.id() + " owner=" + alice.ownerId() + " turn=2", replies(chat).get(3),
                "the same conversation goes on, its data kept, as the app user's");
        assertEquals("user=" + alice.id() + " owner=" + alice.ownerId() + " turn=1", replies(otherChat).getFirst());

        // sendTo from the app user's web session reaches the Telegram conversation: the owners meet.
        String web = "web-" + UUID.randomUUID();
        kafka.sendRaw(InboundMessage.of(EventMeta.next(web, TraceContext.NONE), alice, "api", "/send-to " + chat + " hello there", null));
        await().atMost(WAIT).until(() -> replies(chat).contains("hello there"));
    }

    @Test
    void linkIsTheRuntimesOnNamedChannelsOnlyAndTheAppsElsewhere() {
        String s = "api-" + UUID.randomUUID();
        kafka.send(s, "u-" + UUID.randomUUID(), "/link");
        await().atMost(WAIT).until(() -> replies(s).size() == 1);
        assertEquals("#1: /link", replies(s).getFirst(), "in the web chat and the API, /link is the app's");
    }

    private void fromTelegram(String sessionId, String user, String text) {
        kafka.sendRaw(InboundMessage.of(EventMeta.next(sessionId, TraceContext.NONE), new UserRef(user, null, user), "demo-telegram",
                text, null));
    }

    private List<String> replies(String sessionId) {
        return kafka.of(sessionId, Reply.class).stream().map(Reply::text).toList();
    }
}
