package dev.capsule.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.sdk.Capsule;
import dev.capsule.sdk.CapsuleApp;
import dev.capsule.sdk.Connection;
import dev.capsule.sdk.Message;
import dev.capsule.sdk.ReactiveCapsuleApp;
import dev.capsule.sdk.Session;
import dev.capsule.sdk.blocks.IntegrationPrompt;
import dev.capsule.testkit.TurnEvent.Reply;
import dev.capsule.testkit.TurnEvent.Show;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The user's connections in the kit: given by the test, found by the app, prompted for when missing, and onConnected driven. */
class IntegrationsTest {

    private static final IntegrationPrompt GITHUB_PROMPT = new IntegrationPrompt("github", "Connect GitHub",
            "https://capsule.test/integrations/github/connect?ticket=test", "This needs your GitHub account.");

    /** "/github" needs GitHub; "/disconnect" forgets it; onConnected says so and remembers it, or fails for "fail-*" tokens. */
    static final class GitHubApp implements CapsuleApp {
        @Override
        public void onMessage(Session session, Message message) {
            switch (message.text()) {
                case "/github" -> session.integrations().require("github").ifPresent(gh -> session.reply("token " + gh.accessToken()));
                case "/disconnect" -> session.reply("disconnected: " + session.integrations().disconnect("github"));
                default -> session.reply("connections: " + session.integrations().list().stream().map(Connection::integration).toList());
            }
        }

        @Override
        public void onConnected(Session session, Connection connection) {
            session.data().put("connected", connection.integration());
            if (connection.accessToken().startsWith("fail-")) {
                throw new IllegalStateException("on purpose");
            }
            session.reply("connected " + connection.integration() + " with " + connection.accessToken() + " (current: "
                    + Capsule.currentSession().map(Session::id).orElse("none") + ")");
        }
    }

    @Test
    void requireOfAMissingConnectionShowsTheConnectPromptAndGivesNothing() {
        TestSession session = TestSession.of("s1");

        assertEquals(List.of(new Show(GITHUB_PROMPT)), session.send(new GitHubApp(), "/github"));
        assertEquals(List.of(GITHUB_PROMPT), session.blocks());
        assertEquals(TestIntegrations.connectUrl("github"), GITHUB_PROMPT.url());
        assertEquals(GITHUB_PROMPT.fallbackText(), session.history().recent().getLast().text(), "the history keeps the prompt's text");
        assertEquals(Optional.empty(), session.integrations().get("github"));
    }

    @Test
    void aConnectionTheTestGivesIsWhatTheAppFinds() {
        TestSession session = TestSession.of("s1");
        session.integrations().connect("github", "gho_test");

        assertEquals(List.of(new Reply("token gho_test")), session.send(new GitHubApp(), "/github"));
        assertEquals(List.of(new Reply("connections: [github]")), session.send(new GitHubApp(), "/list"));
        assertTrue(session.blocks().isEmpty(), "no prompt for a connection the user has");
    }

    @Test
    void aConnectionMayCarryScopesAndAnExpiry() {
        TestSession session = TestSession.of("s1");
        Instant expiry = Instant.parse("2030-01-01T00:00:00Z");
        session.integrations().connect(new Connection("google", "ya29.test", List.of("openid", "email"), expiry, Instant.EPOCH));

        Connection google = session.integrations().get("google").orElseThrow();
        assertEquals(List.of("openid", "email"), google.scopes());
        assertEquals(Optional.of(expiry), google.expiry());
    }

    @Test
    void disconnectForgetsTheConnectionAndRequirePromptsAgain() {
        TestSession session = TestSession.of("s1");
        GitHubApp app = new GitHubApp();
        session.integrations().connect("github", "gho_test");

        assertEquals(List.of(new Reply("disconnected: true")), session.send(app, "/disconnect"));
        assertEquals(List.of(new Reply("disconnected: false")), session.send(app, "/disconnect"));
        assertEquals(List.of(new Show(GITHUB_PROMPT)), session.send(app, "/github"));
    }

    @Test
    void theUserConnectingAfterThePromptRunsOnConnectedAsATurnOfItsOwn() {
        TestSession session = TestSession.of("s1");
        GitHubApp app = new GitHubApp();
        session.send(app, "/github");

        assertEquals(List.of(new Reply("connected github with gho_new (current: s1)")), session.connectByUser(app, "github", "gho_new"));
        assertEquals(Optional.of("github"), session.data().getString("connected"), "the turn's data is kept");
        assertEquals(List.of(new Reply("token gho_new")), session.send(app, "/github"), "the connection stands");
    }

    @Test
    void aSessionWithNoMessageYetRunsNothingButTheConnectionStands() {
        TestSession session = TestSession.of("s1");

        assertEquals(List.of(), session.connectByUser(new GitHubApp(), "github", "gho_new"));
        assertEquals("gho_new", session.integrations().get("github").orElseThrow().accessToken());
    }

    @Test
    void aFailedOnConnectedFailsItsTurnRollsBackItsDataAndTheConnectionStands() {
        TestSession session = TestSession.of("s1");
        GitHubApp app = new GitHubApp();
        session.send(app, "/github");

        TurnFailedException failed = assertThrows(TurnFailedException.class, () -> session.connectByUser(app, "github", "fail-1"));
        assertInstanceOf(IllegalStateException.class, failed.getCause());
        assertEquals(Optional.empty(), session.data().getString("connected"));
        assertEquals("fail-1", session.integrations().get("github").orElseThrow().accessToken());
    }

    @Test
    void aReactiveAppsOnConnectedIsAwaited() {
        TestSession session = TestSession.of("s1");
        ReactiveCapsuleApp app = new ReactiveCapsuleApp() {
            @Override
            public Uni<Void> onMessage(Session s, Message message) {
                return Uni.createFrom().voidItem().invoke(() -> s.integrations().require("slack"));
            }

            @Override
            public Uni<Void> onConnected(Session s, Connection connection) {
                return Uni.createFrom().voidItem().invoke(() -> s.reply("hello from " + connection.integration()));
            }
        };
        session.sendReactive(app, "/slack");

        assertEquals("Connect Slack", ((IntegrationPrompt) session.blocks().getFirst()).label());
        assertEquals(List.of(new Reply("hello from slack")), session.connectByUserReactive(app, "slack", "xoxp-test"));
    }

    @Test
    void anIntegrationWithoutAPresetIsLabelledWithItsName() {
        TestSession session = TestSession.of("s1");
        session.send((s, m) -> s.integrations().require("jira"), "/jira");

        assertEquals(new IntegrationPrompt("jira", "Connect jira", "https://capsule.test/integrations/jira/connect?ticket=test",
                "This needs your jira account."), session.blocks().getFirst());
    }
}
