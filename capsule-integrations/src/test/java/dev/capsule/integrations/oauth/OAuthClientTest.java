package dev.capsule.integrations.oauth;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.capsule.integrations.config.Integration;
import dev.capsule.integrations.config.OAuthConfig;
import io.vertx.mutiny.core.Vertx;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client side of OAuth against a provider faked with WireMock, answering as GitHub, Slack and RFC 6749 document. */
class OAuthClientTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String REDIRECT = "https://chat.example.com/integrations/github/callback";
    private static final String CODE = "code-3f9a1c";
    private static final String VERIFIER = "verifier-0123456789-0123456789-0123456789-abc";

    private static WireMockServer provider;
    private static Vertx vertx;
    private static OAuthClient client;

    /** Only the timeout matters to the client. */
    private static final class Config implements OAuthConfig {
        @Override
        public Optional<String> publicUrl() {
            return Optional.empty();
        }

        @Override
        public Optional<String> tokenKey() {
            return Optional.empty();
        }

        @Override
        public String tokenKeyId() {
            return "1";
        }

        @Override
        public Map<String, String> previousTokenKeys() {
            return Map.of();
        }

        @Override
        public Duration connectExpiry() {
            return Duration.ofMinutes(10);
        }

        @Override
        public Duration refreshAhead() {
            return Duration.ofMinutes(1);
        }

        @Override
        public Duration purgeEvery() {
            return Duration.ofMinutes(10);
        }

        @Override
        public Duration providerTimeout() {
            return Duration.ofSeconds(5);
        }
    }

    @BeforeAll
    static void start() {
        provider = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        provider.start();
        vertx = Vertx.vertx();
        client = new OAuthClient(vertx, new Config());
    }

    @AfterAll
    static void stop() {
        provider.stop();
        vertx.closeAndAwait();
    }

    @BeforeEach
    void reset() {
        provider.resetAll();
    }

    private static Integration github(Optional<URI> revoke) {
        return new Integration("github", "GitHub", URI.create("https://github.com/login/oauth/authorize"),
                URI.create(provider.baseUrl() + "/token"), revoke, "client-1", "secret-1", List.of("read:user"), "scope", Map.of());
    }

    private static Integration github() {
        return github(Optional.empty());
    }

    private static Integration slack() {
        return new Integration("slack", "Slack", URI.create("https://slack.com/oauth/v2/authorize"),
                URI.create(provider.baseUrl() + "/token"), Optional.empty(), "client-1", "secret-1", List.of("users:read"), "user_scope",
                Map.of());
    }

    private static void tokenEndpointAnswers(int status, String json) {
        provider.stubFor(post(urlEqualTo("/token")).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(json)));
    }

    @Test
    void theExchangeSendsTheFormAndReadsGitHubsAnswer() {
        // GitHub's documented answer for a user-to-server token that expires.
        tokenEndpointAnswers(200, """
                {"access_token":"ghu_16C7e42F292c6912E7710c838347Ae178B4a","expires_in":28800,
                 "refresh_token":"ghr_1B4a2e77838347a7E420ce178F2E7c6912E169246c34E1ccbF66C46812d16D5B1A9Dc86A1498",
                 "refresh_token_expires_in":15811200,"scope":"read:user,repo","token_type":"bearer"}""");

        Instant before = Instant.now();
        TokenGrant grant = client.exchange(github(), CODE, VERIFIER, REDIRECT).await().atMost(WAIT);

        provider.verify(postRequestedFor(urlEqualTo("/token"))
                .withHeader("Accept", equalTo("application/json"))
                .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded"))
                .withFormParam("grant_type", equalTo("authorization_code"))
                .withFormParam("code", equalTo(CODE))
                .withFormParam("redirect_uri", equalTo(REDIRECT))
                .withFormParam("client_id", equalTo("client-1"))
                .withFormParam("client_secret", equalTo("secret-1"))
                .withFormParam("code_verifier", equalTo(VERIFIER)));
        assertEquals("ghu_16C7e42F292c6912E7710c838347Ae178B4a", grant.accessToken());
        assertTrue(grant.refreshToken().startsWith("ghr_1B4a"));
        assertFalse(grant.expiresAt().isBefore(before.plusSeconds(28800)));
        assertFalse(grant.expiresAt().isAfter(Instant.now().plusSeconds(28800)));
        assertEquals(List.of("read:user", "repo"), grant.scopes());
        assertFalse(grant.toString().contains("ghu_"), grant.toString());
    }

    @Test
    void aTokenThatDoesNotExpireHasNoExpiryAndSpaceSeparatedScopesAreSplitToo() {
        tokenEndpointAnswers(200, """
                {"access_token":"gho_16C7e42F292c6912E7710c838347Ae178B4a","scope":"read:user repo","token_type":"bearer"}""");

        TokenGrant grant = client.exchange(github(), CODE, VERIFIER, REDIRECT).await().atMost(WAIT);

        assertNull(grant.expiresAt());
        assertNull(grant.refreshToken());
        assertEquals(List.of("read:user", "repo"), grant.scopes());
    }

    @Test
    void anAnswerWithoutScopeMeansTheScopesAskedFor() {
        tokenEndpointAnswers(200, """
                {"access_token":"gho_abc","token_type":"bearer"}""");

        assertEquals(List.of("read:user"), client.exchange(github(), CODE, VERIFIER, REDIRECT).await().atMost(WAIT).scopes());
    }

    @Test
    void slacksUserTokenIsReadFromAuthedUser() {
        // Slack's documented oauth.v2.access answer when only user scopes were asked for.
        tokenEndpointAnswers(200, """
                {"ok":true,"app_id":"A0KRD7HC3",
                 "authed_user":{"id":"U1234","scope":"users:read,chat:write","access_token":"xoxp-1234","token_type":"user"},
                 "team":{"id":"T9TK3CUKW","name":"Slack Softball Team"},"enterprise":null,"is_enterprise_install":false}""");

        TokenGrant grant = client.exchange(slack(), CODE, VERIFIER, REDIRECT).await().atMost(WAIT);

        assertEquals("xoxp-1234", grant.accessToken());
        assertEquals(List.of("users:read", "chat:write"), grant.scopes());
        assertNull(grant.expiresAt());
    }

    @Test
    void anErrorIsAnOAuthExceptionWhetherItComesAsGitHubsOkOrAsRfc6749s400() {
        for (int status : new int[] {200, 400}) {
            tokenEndpointAnswers(status, """
                    {"error":"invalid_grant","error_description":"The code passed is incorrect or expired."}""");

            OAuthException e = assertThrows(OAuthException.class,
                    () -> client.exchange(github(), CODE, VERIFIER, REDIRECT).await().atMost(WAIT), "HTTP " + status);

            assertEquals("invalid_grant", e.error());
            assertTrue(e.getMessage().contains("The code passed is incorrect or expired."), e.getMessage());
            for (String secret : List.of(CODE, VERIFIER, "secret-1")) {
                assertFalse(e.getMessage().contains(secret), "the message keeps " + secret + " out: " + e.getMessage());
            }
        }
    }

    @Test
    void slacksRefusalIsAnOAuthException() {
        tokenEndpointAnswers(200, """
                {"ok":false,"error":"invalid_code"}""");

        OAuthException e = assertThrows(OAuthException.class,
                () -> client.exchange(slack(), CODE, VERIFIER, REDIRECT).await().atMost(WAIT));
        assertEquals("invalid_code", e.error());
    }

    @Test
    void anAnswerThatIsNotJsonIsAnOAuthExceptionNamingItsStatus() {
        provider.stubFor(post(urlEqualTo("/token")).willReturn(aResponse().withStatus(502).withBody("<html>Bad Gateway</html>")));

        OAuthException e = assertThrows(OAuthException.class,
                () -> client.exchange(github(), CODE, VERIFIER, REDIRECT).await().atMost(WAIT));
        assertEquals("HTTP 502", e.error());
    }

    @Test
    void aRefreshWithoutANewRefreshTokenKeepsThePreviousOne() {
        tokenEndpointAnswers(200, """
                {"access_token":"ghu_new","expires_in":28800,"token_type":"bearer","scope":"read:user"}""");

        TokenGrant grant = client.refresh(github(), "ghr_old").await().atMost(WAIT);

        provider.verify(postRequestedFor(urlEqualTo("/token"))
                .withHeader("Accept", equalTo("application/json"))
                .withFormParam("grant_type", equalTo("refresh_token"))
                .withFormParam("refresh_token", equalTo("ghr_old"))
                .withFormParam("client_id", equalTo("client-1"))
                .withFormParam("client_secret", equalTo("secret-1")));
        assertEquals("ghu_new", grant.accessToken());
        assertEquals("ghr_old", grant.refreshToken());

        tokenEndpointAnswers(200, """
                {"access_token":"ghu_newer","refresh_token":null,"token_type":"bearer"}""");
        assertEquals("ghr_old", client.refresh(github(), "ghr_old").await().atMost(WAIT).refreshToken(), "a null is no new one either");
    }

    @Test
    void aRefreshThatRotatesTheRefreshTokenGivesTheNewOne() {
        tokenEndpointAnswers(200, """
                {"access_token":"ghu_new","expires_in":28800,"refresh_token":"ghr_new","token_type":"bearer"}""");

        assertEquals("ghr_new", client.refresh(github(), "ghr_old").await().atMost(WAIT).refreshToken());
    }

    @Test
    void revokePostsTheTokenAndItsHint() {
        provider.stubFor(post(urlEqualTo("/revoke")).willReturn(aResponse().withStatus(200)));

        client.revoke(github(Optional.of(URI.create(provider.baseUrl() + "/revoke"))), "ghr_old", "refresh_token")
                .await().atMost(WAIT);

        provider.verify(postRequestedFor(urlEqualTo("/revoke"))
                .withFormParam("token", equalTo("ghr_old"))
                .withFormParam("token_type_hint", equalTo("refresh_token"))
                .withFormParam("client_id", equalTo("client-1")));
    }

    @Test
    void aRevocationRefusedIsAnOAuthException() {
        provider.stubFor(post(urlEqualTo("/revoke")).willReturn(okJson("""
                {"ok":false,"error":"invalid_auth"}""")));

        OAuthException e = assertThrows(OAuthException.class, () -> client.revoke(
                github(Optional.of(URI.create(provider.baseUrl() + "/revoke"))), "xoxp-1", "access_token").await().atMost(WAIT));
        assertEquals("invalid_auth", e.error());
    }

    @Test
    void withoutARevocationEndpointRevokeDoesNothing() {
        client.revoke(github(), "gho_abc", "access_token").await().atMost(WAIT);

        assertEquals(0, provider.getAllServeEvents().size());
    }

    private static Map<String, String> query(String url) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            parameters.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return parameters;
    }

    @Test
    void theAuthorizeUrlCarriesStateAndPkceUrlEncoded() {
        Integration github = new Integration("github", "GitHub", URI.create("https://github.com/login/oauth/authorize"),
                URI.create("https://github.com/login/oauth/access_token"), Optional.empty(), "client 1", "secret-1",
                List.of("read:user", "repo"), "scope", Map.of());

        String url = client.authorizeUrl(github, REDIRECT, "st/ate+1", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");

        assertTrue(url.startsWith("https://github.com/login/oauth/authorize?"), url);
        assertTrue(url.contains("redirect_uri=https%3A%2F%2Fchat.example.com%2Fintegrations%2Fgithub%2Fcallback"), url);
        assertTrue(url.contains("state=st%2Fate%2B1"), url);
        assertEquals(Map.of(
                "response_type", "code",
                "client_id", "client 1",
                "redirect_uri", REDIRECT,
                "scope", "read:user repo",
                "state", "st/ate+1",
                "code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                "code_challenge_method", "S256"), query(url));
    }

    @Test
    void slacksScopesGoInUserScopeAndGooglesExtraParametersAreAdded() {
        Map<String, String> slack = query(client.authorizeUrl(slack(), REDIRECT, "s1", "c1"));
        assertEquals("users:read", slack.get("user_scope"));
        assertFalse(slack.containsKey("scope"), slack.toString());

        Integration google = new Integration("google", "Google", URI.create("https://accounts.google.com/o/oauth2/v2/auth?hd=example.com"),
                URI.create("https://oauth2.googleapis.com/token"), Optional.empty(), "client-1", "secret-1", List.of("openid", "email"),
                "scope", Map.of("access_type", "offline", "prompt", "consent"));
        String url = client.authorizeUrl(google, REDIRECT, "s1", "c1");
        Map<String, String> parameters = query(url);
        assertTrue(url.startsWith("https://accounts.google.com/o/oauth2/v2/auth?hd=example.com&"), url);
        assertEquals("offline", parameters.get("access_type"));
        assertEquals("consent", parameters.get("prompt"));
        assertEquals("openid email", parameters.get("scope"));
    }

    @Test
    void theChallengeOfRfc7636sExampleVerifierIsItsExampleChallenge() {
        // Appendix B's verifier reads "...wW1gFWFOEjXk"; a copy with a Z for the F gives another challenge.
        assertEquals("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", Pkce.challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
    }

    @Test
    void aVerifierIs43UnreservedCharactersAndNeverTheSameTwice() {
        String verifier = Pkce.verifier();

        assertTrue(verifier.matches("[A-Za-z0-9._~-]{43}"), verifier);
        assertFalse(verifier.equals(Pkce.verifier()));
    }
}
