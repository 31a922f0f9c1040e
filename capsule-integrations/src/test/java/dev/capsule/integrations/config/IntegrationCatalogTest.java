package dev.capsule.integrations.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.net.URI;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The deployment's integrations as configured: presets filled in, and every fault named by its property at once. */
class IntegrationCatalogTest {

    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

    /** A catalog built as Quarkus builds it, from these properties through the real config mappings. */
    private static IntegrationCatalog catalog(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(IntegrationsConfig.class)
                .withMapping(OAuthConfig.class)
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build();
        return new IntegrationCatalog(config.getConfigMapping(IntegrationsConfig.class), config.getConfigMapping(OAuthConfig.class));
    }

    /** The gateway's URL and a valid key, with {@code more} over them. */
    private static Map<String, String> oauthAnd(String... more) {
        Map<String, String> properties = new HashMap<>(Map.of(
                "capsule.oauth.public-url", "https://chat.example.com",
                "capsule.oauth.token-key", KEY));
        for (int i = 0; i < more.length; i += 2) {
            properties.put(more[i], more[i + 1]);
        }
        return properties;
    }

    private static String problems(Map<String, String> properties) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> catalog(properties));
        return e.getMessage();
    }

    private static void assertNames(String message, String... properties) {
        for (String property : properties) {
            assertTrue(message.contains(property), "names " + property + ": " + message);
        }
    }

    @Test
    void theNameGitHubAloneSelectsItsPreset() {
        IntegrationCatalog catalog = catalog(oauthAnd(
                "capsule.integrations.github.client-id", "id-1",
                "capsule.integrations.github.client-secret", "secret-1"));

        Integration github = catalog.require("github");
        assertEquals("GitHub", github.label());
        assertEquals(URI.create("https://github.com/login/oauth/authorize"), github.authorizeUrl());
        assertEquals(URI.create("https://github.com/login/oauth/access_token"), github.tokenUrl());
        assertEquals(Optional.empty(), github.revokeUrl(), "GitHub has no RFC 7009 endpoint");
        assertEquals(List.of("read:user"), github.scopes());
        assertEquals("scope", github.scopeParameter());
        assertEquals(Map.of(), github.authorizeParameters());
        assertEquals("id-1", github.clientId());
        assertEquals("secret-1", github.clientSecret());
        assertEquals(List.of(github), catalog.all());
    }

    @Test
    void googleAsksForOfflineAccessSoThatItGrantsARefreshToken() {
        Integration google = catalog(oauthAnd(
                "capsule.integrations.google.client-id", "id-1",
                "capsule.integrations.google.client-secret", "secret-1")).require("google");

        assertEquals("offline", google.authorizeParameters().get("access_type"));
        assertEquals("consent", google.authorizeParameters().get("prompt"));
        assertEquals(Optional.of(URI.create("https://oauth2.googleapis.com/revoke")), google.revokeUrl());
        assertEquals(List.of("openid", "email"), google.scopes());
    }

    @Test
    void slacksUserScopesGoInUserScope() {
        Integration slack = catalog(oauthAnd(
                "capsule.integrations.slack.client-id", "id-1",
                "capsule.integrations.slack.client-secret", "secret-1")).require("slack");

        assertEquals("user_scope", slack.scopeParameter());
        assertEquals(URI.create("https://slack.com/api/oauth.v2.access"), slack.tokenUrl());
    }

    @Test
    void theConfigurationOverridesThePresetAndAPresetMayBeNamedForAnotherName() {
        Integration work = catalog(oauthAnd(
                "capsule.integrations.work-github.preset", "github",
                "capsule.integrations.work-github.client-id", "id-1",
                "capsule.integrations.work-github.client-secret", "secret-1",
                "capsule.integrations.work-github.scopes", "repo,read:user",
                "capsule.integrations.work-github.label", "GitHub Enterprise",
                "capsule.integrations.work-github.token-url", "https://ghe.example.com/login/oauth/access_token"))
                .require("work-github");

        assertEquals(List.of("repo", "read:user"), work.scopes());
        assertEquals("GitHub Enterprise", work.label());
        assertEquals(URI.create("https://ghe.example.com/login/oauth/access_token"), work.tokenUrl());
        assertEquals(URI.create("https://github.com/login/oauth/authorize"), work.authorizeUrl());
    }

    @Test
    void aGenericIntegrationNeedsBothUrls() {
        String message = problems(oauthAnd(
                "capsule.integrations.jira.client-id", "id-1",
                "capsule.integrations.jira.client-secret", "secret-1"));

        assertNames(message, "capsule.integrations.jira.authorize-url", "capsule.integrations.jira.token-url");
    }

    @Test
    void aGenericIntegrationWithItsUrlsIsLabelledWithItsName() {
        Integration jira = catalog(oauthAnd(
                "capsule.integrations.jira.client-id", "id-1",
                "capsule.integrations.jira.client-secret", "secret-1",
                "capsule.integrations.jira.authorize-url", "https://auth.example.com/authorize",
                "capsule.integrations.jira.token-url", "https://auth.example.com/token")).require("jira");

        assertEquals("jira", jira.label());
        assertEquals(List.of(), jira.scopes());
        assertEquals(Optional.empty(), jira.revokeUrl());
    }

    @Test
    void aMissingClientSecretIsNamedWithWhereToTakeItFrom() {
        String message = problems(oauthAnd("capsule.integrations.github.client-id", "id-1"));

        assertNames(message, "capsule.integrations.github.client-secret", "${GITHUB_CLIENT_SECRET}");
    }

    @Test
    void anUnknownPresetIsNamed() {
        String message = problems(oauthAnd(
                "capsule.integrations.code.preset", "gitlab",
                "capsule.integrations.code.client-id", "id-1",
                "capsule.integrations.code.client-secret", "secret-1"));

        assertNames(message, "capsule.integrations.code.preset", "'gitlab'");
    }

    @Test
    void aUrlThatIsNotHttpIsNamed() {
        String message = problems(oauthAnd(
                "capsule.oauth.public-url", "chat.example.com",
                "capsule.integrations.github.client-id", "id-1",
                "capsule.integrations.github.client-secret", "secret-1",
                "capsule.integrations.github.token-url", "ftp://github.com/token"));

        assertNames(message, "capsule.integrations.github.token-url", "'ftp://github.com/token'", "capsule.oauth.public-url",
                "'chat.example.com'");
    }

    @Test
    void anIntegrationNeedsThePublicUrlAndATokenKey() {
        String message = problems(Map.of(
                "capsule.integrations.github.client-id", "id-1",
                "capsule.integrations.github.client-secret", "secret-1"));

        assertNames(message, "capsule.oauth.public-url", "capsule.oauth.token-key");
    }

    @Test
    void aTokenKeyMustBe32BytesOfBase64() {
        String short16 = Base64.getEncoder().encodeToString(new byte[16]);
        for (String bad : List.of(short16, "not base64!")) {
            String message = problems(oauthAnd(
                    "capsule.oauth.token-key", bad,
                    "capsule.integrations.github.client-id", "id-1",
                    "capsule.integrations.github.client-secret", "secret-1"));

            assertNames(message, "capsule.oauth.token-key must be 32 bytes");
            assertFalse(message.contains(bad), "the key stays out of the message: " + message);
        }
    }

    @Test
    void aPreviousTokenKeyIsCheckedToo() {
        String message = problems(oauthAnd(
                "capsule.oauth.previous-token-keys.old", "c2hvcnQ=",
                "capsule.integrations.github.client-id", "id-1",
                "capsule.integrations.github.client-secret", "secret-1"));

        assertNames(message, "capsule.oauth.previous-token-keys.old");
    }

    @Test
    void withoutIntegrationsNothingElseIsNeeded() {
        IntegrationCatalog catalog = catalog(Map.of());

        assertEquals(List.of(), catalog.all());
        assertEquals(Optional.empty(), catalog.find("github"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> catalog.require("github"));
        assertNames(e.getMessage(), "capsule.integrations.github.");
    }

    @Test
    void everyProblemIsReportedInOneMessage() {
        String message = problems(Map.of(
                "capsule.integrations.jira.client-id", "id-1",
                "capsule.integrations.jira.client-secret", "secret-1",
                "capsule.integrations.github.client-secret", "secret-1",
                "capsule.integrations.Bad_Name.preset", "github",
                "capsule.integrations.Bad_Name.client-id", "id-1",
                "capsule.integrations.Bad_Name.client-secret", "secret-1"));

        assertNames(message,
                "capsule.integrations.jira.authorize-url", "capsule.integrations.jira.token-url",
                "capsule.integrations.github.client-id",
                "capsule.integrations.Bad_Name",
                "capsule.oauth.public-url", "capsule.oauth.token-key");
        assertEquals(7, message.lines().count(), "a heading and one line per problem: " + message);
    }

    @Test
    void anIntegrationsTextKeepsItsSecretOut() {
        Integration github = catalog(oauthAnd(
                "capsule.integrations.github.client-id", "id-1",
                "capsule.integrations.github.client-secret", "very-secret-value")).require("github");

        assertFalse(github.toString().contains("very-secret-value"), github.toString());
        assertTrue(github.toString().contains("github"), github.toString());
    }

    @Test
    void theRedirectUriIsThePublicUrlsCallbackWithoutADoubleSlash() {
        IntegrationCatalog catalog = catalog(oauthAnd(
                "capsule.oauth.public-url", "https://chat.example.com/",
                "capsule.integrations.github.client-id", "id-1",
                "capsule.integrations.github.client-secret", "secret-1"));

        assertEquals(URI.create("https://chat.example.com"), catalog.publicUrl());
        assertEquals("https://chat.example.com/integrations/github/callback", catalog.redirectUri(catalog.require("github")));
    }
}
