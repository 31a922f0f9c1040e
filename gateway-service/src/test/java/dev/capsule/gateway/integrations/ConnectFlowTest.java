package dev.capsule.gateway.integrations;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.capsule.gateway.FakeSessionService;
import dev.capsule.integrations.Connections;
import dev.capsule.integrations.config.Integration;
import dev.capsule.integrations.config.IntegrationCatalog;
import dev.capsule.integrations.oauth.TokenGrant;
import dev.capsule.integrations.oauth.Pkce;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.smallrye.jwt.build.Jwt;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OAuth connect flow against a fake GitHub: the link's ticket starts it once, state and PKCE go to the provider,
 * the callback works once and only from the browser that started it, the tokens are stored sealed and never travel on
 * Kafka, the session hears of the connection, and tokens are refreshed, dropped and revoked as OAuth says.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = FakeGitHub.class, restrictToAnnotatedClass = false)
class ConnectFlowTest {

    private static final String ISSUER = "https://capsule.local/dev";

    @Inject
    Pool pool;

    @Inject
    FakeSessionService sessions;

    @Inject
    Connections connections;

    @Inject
    IntegrationCatalog catalog;

    private String user;
    private String sessionId;
    private String accessToken;
    private String refreshToken;

    @BeforeEach
    void fresh() {
        user = "u-" + UUID.randomUUID();
        sessionId = "s-" + UUID.randomUUID();
        accessToken = "gho_" + UUID.randomUUID().toString().replace("-", "");
        refreshToken = "ghr_" + UUID.randomUUID().toString().replace("-", "");
        FakeGitHub.server.resetAll();
        FakeGitHub.server.stubFor(post(urlPathEqualTo("/login/oauth/access_token")).withRequestBody(containing("grant_type=authorization_code"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("""
                        {"access_token":"%s","token_type":"bearer","scope":"read:user","expires_in":28800,
                         "refresh_token":"%s","refresh_token_expires_in":15897600}""".formatted(accessToken, refreshToken))));
        FakeGitHub.server.stubFor(post(urlPathEqualTo("/revoke")).willReturn(aResponse().withStatus(200)));
    }

    @Test
    void aConnectLinkLeadsToTheProviderWithStateAndPkceAndTheCallbackStoresSealedTokensAndTellsTheSession() {
        String ticket = ticket(Duration.ofMinutes(10), "web");
        Response connect = startFlow(ticket, user, null);
        connect.then().statusCode(200);
        URI consent = URI.create(connect.jsonPath().getString("location"));
        Map<String, String> query = query(consent);
        assertEquals("/login/oauth/authorize", consent.getPath());
        assertEquals(FakeGitHub.CLIENT_ID, query.get("client_id"));
        assertEquals(FakeGitHub.PUBLIC_URL + "/integrations/github/callback", query.get("redirect_uri"));
        assertEquals("S256", query.get("code_challenge_method"));
        assertEquals("read:user", query.get("scope"));
        String binding = connect.getCookie("capsule_connect");
        assertNotNull(binding, "the flow is bound to the browser by a cookie");
        assertTrue(connect.getDetailedCookie("capsule_connect").isHttpOnly());

        given().redirects().follow(false).cookie("capsule_connect", binding)
                .get("/integrations/github/callback?code=the-code&state=" + query.get("state"))
                .then().statusCode(303).header("Location", FakeGitHub.PUBLIC_URL + "/");

        LoggedRequest exchange = FakeGitHub.server.findAll(postRequestedFor(urlPathEqualTo("/login/oauth/access_token"))).getFirst();
        Map<String, String> form = form(exchange.getBodyAsString());
        assertEquals("the-code", form.get("code"));
        assertEquals(FakeGitHub.CLIENT_SECRET, form.get("client_secret"));
        assertEquals(query.get("code_challenge"), Pkce.challenge(form.get("code_verifier")), "the verifier proves the challenge");

        Row row = pool.preparedQuery("SELECT access_token, refresh_token, key_id FROM integration_connections WHERE user_id = $1 AND integration = 'github'")
                .execute(Tuple.of(user)).await().indefinitely().iterator().next();
        assertEquals("test-1", row.getString("key_id"));
        assertFalse(new String(row.getBuffer("access_token").getBytes(), StandardCharsets.ISO_8859_1).contains(accessToken), "sealed at rest");
        assertFalse(new String(row.getBuffer("refresh_token").getBytes(), StandardCharsets.ISO_8859_1).contains(refreshToken));

        await().atMost(Duration.ofSeconds(20)).until(() -> sessions.connected(sessionId).size() == 1);
        assertEquals(user, sessions.connected(sessionId).getFirst().userId());
        assertEquals("github", sessions.connected(sessionId).getFirst().integration());
        assertTrue(sessions.everythingSeen().stream().noneMatch(r -> r.contains(accessToken) || r.contains(refreshToken)
                || r.contains("the-code")), "no token or code on capsule.inbound");

        Optional<Connections.Connected> fresh = onContext(() -> connections.fresh(user, "github"));
        assertEquals(accessToken, fresh.orElseThrow().accessToken());
        assertFalse(fresh.get().toString().contains(accessToken), "tokens stay out of logs");
    }

    @Test
    void theCallbackWorksOnceAndOnlyFromTheBrowserThatStartedIt() {
        String state = startedState(ticket(Duration.ofMinutes(10), "telegram")).state();
        given().redirects().follow(false).cookie("capsule_connect", "another-browser")
                .get("/integrations/github/callback?code=c&state=" + state)
                .then().statusCode(403).body(containsString("another browser"));
        // The foreign try spent the state: not even the right browser can use it now.
        StartedFlow again = startedState(ticket(Duration.ofMinutes(10), "telegram"));
        given().redirects().follow(false).cookie("capsule_connect", again.binding())
                .get("/integrations/github/callback?code=c&state=" + again.state())
                .then().statusCode(200).body(containsString("go back to your conversation"));
        given().redirects().follow(false).cookie("capsule_connect", again.binding())
                .get("/integrations/github/callback?code=c&state=" + again.state())
                .then().statusCode(400).body(containsString("already used"));
        given().redirects().follow(false).get("/integrations/github/callback?code=c&state=" + state).then().statusCode(400);
        FakeGitHub.server.verify(1, postRequestedFor(urlPathEqualTo("/login/oauth/access_token")));
    }

    @Test
    void aTicketWorksOnceWithinItsTimeAndForItsUserOnly() {
        String ticket = ticket(Duration.ofMinutes(10), "web");
        given().get("/integrations/github/connect?ticket=" + ticket).then().statusCode(200)
                .body(containsString("button in the chat"));
        startFlow(ticket, null, null).then().statusCode(403); // a web chat ticket needs its user's token: the button sends it
        String again = ticket(Duration.ofMinutes(10), "web");
        startFlow(again, user, null).then().statusCode(200);
        startFlow(again, user, null).then().statusCode(410);
        given().get("/integrations/github/connect?ticket=" + again).then().statusCode(410);
        startFlow(ticket(Duration.ofSeconds(-1), "web"), user, null).then().statusCode(410);
        startFlow("unknown", user, null).then().statusCode(410);
        given().redirects().follow(false).contentType(ContentType.URLENC).formParam("ticket", ticket(Duration.ofMinutes(10), "web"))
                .post("/integrations/gitlab/connect").then().statusCode(404);
        startFlow(ticket(Duration.ofMinutes(10), "web"), "someone-else", null).then().statusCode(403);
    }

    @Test
    void aChannelsLinkAsksWhoseAccountFirstAndAnotherSitesPageCannotStartIt() {
        String ticket = ticket(Duration.ofMinutes(10), "telegram");
        // Opening the link starts nothing: the page names the user the connection will belong to and asks for a click.
        given().get("/integrations/github/connect?ticket=" + ticket).then().statusCode(200)
                .body(containsString("Connect GitHub to " + user + "?")).body(containsString("id=\"continue\""));
        startFlow(ticket, null, "https://evil.example").then().statusCode(403);
        startFlow(ticket, null, FakeGitHub.PUBLIC_URL).then().statusCode(303)
                .header("Location", org.hamcrest.Matchers.startsWith("http://localhost:" + FakeGitHub.server.port() + "/login/oauth/authorize"));
        FakeGitHub.server.verify(0, postRequestedFor(urlPathEqualTo("/login/oauth/access_token")));
    }

    @Test
    void theApiListsConnectionsWithoutTokensAndDisconnectingRevokesAtTheProvider() {
        connectThroughTheFlow();
        String listing = given().auth().oauth2(token()).get("/api/integrations").then().statusCode(200)
                .body("offered", hasSize(1)).body("connected.integration", org.hamcrest.Matchers.contains("github"))
                .extract().asString();
        assertFalse(listing.contains(accessToken));
        given().auth().oauth2(token()).delete("/api/integrations/github").then().statusCode(204);
        FakeGitHub.server.verify(postRequestedFor(urlPathEqualTo("/revoke")).withRequestBody(containing("token=" + refreshToken))
                .withRequestBody(containing("token_type_hint=refresh_token")));
        given().auth().oauth2(token()).get("/api/integrations").then().statusCode(200).body("connected", hasSize(0));
        given().auth().oauth2(token()).delete("/api/integrations/github").then().statusCode(404);
        given().get("/api/integrations").then().statusCode(401);
    }

    @Test
    void aTokenAboutToExpireIsRefreshedAndOneThatCannotBeIsMissing() {
        connectThroughTheFlow();
        expireStoredToken();
        String renewed = "gho_renewed_" + UUID.randomUUID().toString().replace("-", "");
        FakeGitHub.server.stubFor(post(urlPathEqualTo("/login/oauth/access_token")).withRequestBody(containing("grant_type=refresh_token"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("""
                        {"access_token":"%s","token_type":"bearer","scope":"read:user","expires_in":28800}""".formatted(renewed))));
        assertEquals(renewed, onContext(() -> connections.fresh(user, "github")).orElseThrow().accessToken());
        FakeGitHub.server.verify(postRequestedFor(urlPathEqualTo("/login/oauth/access_token"))
                .withRequestBody(containing("refresh_token=" + refreshToken)));
        assertEquals(renewed, onContext(() -> connections.fresh(user, "github")).orElseThrow().accessToken(), "stored, not refreshed again");

        // The provider revoked the grant: refreshing is refused, and the connection counts as missing.
        expireStoredToken();
        FakeGitHub.server.stubFor(post(urlPathEqualTo("/login/oauth/access_token")).withRequestBody(containing("grant_type=refresh_token"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":\"invalid_grant\",\"error_description\":\"The refresh token is revoked.\"}")));
        assertTrue(onContext(() -> connections.fresh(user, "github")).isEmpty());
        assertEquals(0, pool.preparedQuery("SELECT 1 FROM integration_connections WHERE user_id = $1").execute(Tuple.of(user))
                .await().indefinitely().size(), "a connection that cannot be refreshed is dropped");
    }

    @Test
    void anExpiredTokenWithoutARefreshTokenIsMissingWhileOneAboutToExpireIsStillHandedOut() {
        Integration github = catalog.require("github");
        onContext(() -> connections.connect(user, github, new TokenGrant("gho_old", null, Instant.now().minusSeconds(5), List.of())));
        assertTrue(onContext(() -> connections.fresh(user, "github")).isEmpty());
        onContext(() -> connections.connect(user, github, new TokenGrant("gho_soon", null, Instant.now().plusSeconds(30), List.of())));
        assertEquals("gho_soon", onContext(() -> connections.fresh(user, "github")).orElseThrow().accessToken());
        FakeGitHub.server.verify(0, postRequestedFor(urlPathEqualTo("/login/oauth/access_token")));
    }

    private void connectThroughTheFlow() {
        StartedFlow flow = startedState(ticket(Duration.ofMinutes(10), "web"));
        given().redirects().follow(false).cookie("capsule_connect", flow.binding())
                .get("/integrations/github/callback?code=c&state=" + flow.state()).then().statusCode(303);
    }

    private void expireStoredToken() {
        pool.preparedQuery("UPDATE integration_connections SET expires_at = now() - interval '1 minute' WHERE user_id = $1")
                .execute(Tuple.of(user)).await().indefinitely();
    }

    private record StartedFlow(String state, String binding) {
    }

    private StartedFlow startedState(String ticket) {
        Response connect = startFlow(ticket, user, null);
        connect.then().statusCode(200);
        return new StartedFlow(query(URI.create(connect.jsonPath().getString("location"))).get("state"), connect.getCookie("capsule_connect"));
    }

    /** The flow's start as the chat's button posts it (with {@code bearer}'s token, asking for JSON), or as a page's form does. */
    private static Response startFlow(String ticket, String bearer, String origin) {
        io.restassured.specification.RequestSpecification request = given().redirects().follow(false).contentType(ContentType.URLENC)
                .formParam("ticket", ticket);
        if (bearer != null) {
            request = request.auth().oauth2(Jwt.subject(bearer).issuer(ISSUER).sign()).accept(ContentType.JSON);
        }
        if (origin != null) {
            request = request.header("Origin", origin);
        }
        return request.post("/integrations/github/connect");
    }

    /** A connect request as session-service makes one when the app requires GitHub. */
    private String ticket(Duration validFor, String channel) {
        String ticket = Pkce.random(24);
        pool.preparedQuery("INSERT INTO integration_connect_requests (ticket, user_id, session_id, channel, integration, expires_at) "
                        + "VALUES ($1, $2, $3, $4, 'github', $5)")
                .execute(Tuple.of(ticket, user, sessionId, channel, OffsetDateTime.now(ZoneOffset.UTC).plus(validFor)))
                .await().indefinitely();
        return ticket;
    }

    private String token() {
        return Jwt.subject(user).issuer(ISSUER).sign();
    }

    private static <T> T onContext(java.util.function.Supplier<io.smallrye.mutiny.Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(work::get);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private static Map<String, String> query(URI uri) {
        return form(uri.getRawQuery());
    }

    private static Map<String, String> form(String encoded) {
        Map<String, String> values = new HashMap<>();
        Arrays.stream(encoded.split("&")).map(p -> p.split("=", 2))
                .forEach(p -> values.put(URLDecoder.decode(p[0], StandardCharsets.UTF_8), URLDecoder.decode(p[1], StandardCharsets.UTF_8)));
        return values;
    }
}
