package dev.capsule.session;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.events.EventMeta;
import dev.capsule.events.InboundConnected;
import dev.capsule.events.Reply;
import dev.capsule.events.Show;
import dev.capsule.events.Topics;
import dev.capsule.events.TraceContext;
import dev.capsule.events.TurnEnded;
import dev.capsule.events.TurnFailed;
import dev.capsule.integrations.Connections;
import dev.capsule.integrations.config.IntegrationCatalog;
import dev.capsule.integrations.oauth.TokenGrant;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.PostgresResource;
import dev.capsule.testing.RedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code session.integrations()} in a turn: {@code require} shows a connect prompt whose one-time ticket is bound to
 * the user and the session, a connection the gateway stored is handed out, and the gateway's {@code inbound.connected}
 * runs {@code onConnected} on the session's lane, once, for the session's own user only.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class IntegrationsTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    Connections connections;

    @Inject
    IntegrationCatalog catalog;

    @Inject
    Pool pool;

    KafkaTestClient kafka;

    @BeforeEach
    void connect() {
        kafka = new KafkaTestClient(Topics.INBOUND, Topics.OUTBOUND);
    }

    @AfterEach
    void disconnect() {
        kafka.close();
    }

    @Test
    void requireShowsAOneTimeConnectLinkForThisUserAndSessionAndOnConnectedRunsOnItsLane() {
        String s = "int-" + UUID.randomUUID();
        String user = "u-" + UUID.randomUUID();
        kafka.send(s, user, "/integration github");
        await().atMost(WAIT).until(() -> kafka.of(s, Show.class).size() == 1);
        Show prompt = kafka.of(s, Show.class).getFirst();
        assertEquals("integration_prompt", prompt.block().path("kind").asText());
        assertEquals("github", prompt.block().path("integration").asText());
        assertEquals("Connect GitHub", prompt.block().path("label").asText());
        URI url = URI.create(prompt.block().path("url").asText());
        assertEquals("https://chat.example.test/integrations/github/connect", url.getScheme() + "://" + url.getHost() + url.getPath());
        String ticket = url.getQuery().substring("ticket=".length());
        Row request = pool.preparedQuery("SELECT user_id, session_id, channel, integration, state, expires_at > now() + interval '9 minutes' AS ten_minutes "
                + "FROM integration_connect_requests WHERE ticket = $1").execute(Tuple.of(ticket)).await().indefinitely().iterator().next();
        assertEquals(List.of(user, s, "api", "github"), List.of(request.getString("user_id"), request.getString("session_id"),
                request.getString("channel"), request.getString("integration")));
        assertEquals(null, request.getString("state"), "not started: the gateway's /connect starts it, once");
        assertTrue(request.getBoolean("ten_minutes"));

        // The gateway's callback stores the grant, then tells the session.
        OnVertxContext.await(() -> connections.connect(user, catalog.require("github"), new TokenGrant("tok-1", null, null, List.of("read:user"))));
        InboundConnected connected = InboundConnected.of(EventMeta.derived(s, TraceContext.NONE, "connected/" + ticket), user, "github");
        kafka.sendRaw(connected);
        await().atMost(WAIT).until(() -> replies(s).contains("onConnected github token=tok-1 current=" + s));
        kafka.sendRaw(connected); // a redelivery
        kafka.sendRaw(InboundConnected.of(EventMeta.derived(s, TraceContext.NONE, "connected/other"), "someone-else", "github"));
        kafka.send(s, user, "/integration github");
        await().atMost(WAIT).until(() -> kafka.of(s, TurnEnded.class).size() == 3);
        assertEquals(List.of("onConnected github token=tok-1 current=" + s, "connected github token=tok-1"), replies(s),
                "onConnected ran once, for the session's own user; the connection is handed out");
        assertEquals(1, kafka.of(s, Show.class).size(), "no prompt once connected");
    }

    @Test
    void anIntegrationTheDeploymentDoesNotOfferFailsTheTurnWithItsName() {
        String s = "int-" + UUID.randomUUID();
        kafka.send(s, "u-" + UUID.randomUUID(), "/integration gitlab");
        await().atMost(WAIT).until(() -> kafka.of(s, TurnFailed.class).size() == 1);
        assertEquals(0, kafka.of(s, Show.class).size());
    }

    @Test
    void disconnectingForgetsTheConnectionForEverySessionOfTheUser() {
        String user = "u-" + UUID.randomUUID();
        OnVertxContext.await(() -> connections.connect(user, catalog.require("github"), new TokenGrant("tok-2", null, null, List.of())));
        String a = "int-" + UUID.randomUUID();
        String b = "int-" + UUID.randomUUID();
        kafka.send(a, user, "/integration github");
        await().atMost(WAIT).until(() -> replies(a).contains("connected github token=tok-2"));
        kafka.send(b, user, "/disconnect github");
        await().atMost(WAIT).until(() -> replies(b).contains("disconnected=true"));
        kafka.send(a, user, "/integration github");
        await().atMost(WAIT).until(() -> kafka.of(a, Show.class).size() == 1);
    }

    private List<String> replies(String sessionId) {
        return kafka.of(sessionId, Reply.class).stream().map(Reply::text).toList();
    }
}
