package dev.capsule.testkit;

import dev.capsule.sdk.Connection;
import dev.capsule.sdk.Integrations;
import dev.capsule.sdk.blocks.Block;
import dev.capsule.sdk.blocks.IntegrationPrompt;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A session's {@link Integrations} in memory: the test gives the user connections with {@link #connect}, and the app
 * finds them as it would in the runtime. {@link #require} of one the user lacks shows the connect prompt in the
 * session, as the runtime does, with a link to {@link #connectUrl}; the test asserts on it in
 * {@link TestSession#blocks()} rather than following it. To have the user finish that connect and run the app's
 * {@code onConnected}, use {@link TestSession#connectByUser}.
 *
 * <pre>{@code
 * TestSession session = TestSession.of("s1").user("ana");
 * session.send(app, "/github");                          // shows "Connect GitHub"
 * session.integrations().connect("github", "gho_test");  // ana has connected GitHub
 * session.send(app, "/github");                          // the app finds the connection
 * }</pre>
 *
 * <p>Unlike the runtime, every name counts as configured, tokens are handed out as the test gave them (none is
 * refreshed, and an expired one is not dropped), and {@code disconnect} revokes nothing.
 */
public final class TestIntegrations implements Integrations {

    /** The runtime's preset labels, so that a prompt reads here as it does there ("Connect GitHub"). */
    private static final Map<String, String> PRESET_LABELS = Map.of("github", "GitHub", "google", "Google", "slack", "Slack");

    private final Consumer<Block> show;
    private final Map<String, Connection> connections = new LinkedHashMap<>();

    TestIntegrations(Consumer<Block> show) {
        this.show = show;
    }

    /** Where the kit's connect prompt for {@code name} points: {@code https://capsule.test/integrations/<name>/connect?ticket=test}. */
    public static String connectUrl(String name) {
        return "https://capsule.test/integrations/" + name + "/connect?ticket=test";
    }

    /**
     * Gives the user a connection to {@code name} with {@code accessToken}: no scopes, no expiry, connected now. It
     * replaces any earlier connection to {@code name}, as connecting again does in the runtime.
     *
     * @return the connection, as {@link #get} hands it out
     */
    public Connection connect(String name, String accessToken) {
        if (accessToken == null || accessToken.isBlank()) {
            throw new IllegalArgumentException("a connection needs an access token, such as \"gho_test\"");
        }
        return connect(new Connection(requireName(name), accessToken, List.of(), null, Instant.now()));
    }

    /** Gives the user {@code connection}, for a test that needs its scopes or expiry; it replaces any earlier one. */
    public synchronized Connection connect(Connection connection) {
        Objects.requireNonNull(connection, "connection");
        connections.put(requireName(connection.integration()), connection);
        return connection;
    }

    @Override
    public synchronized List<Connection> list() {
        return List.copyOf(connections.values());
    }

    @Override
    public synchronized Optional<Connection> get(String name) {
        return Optional.ofNullable(connections.get(requireName(name)));
    }

    /** As {@link #get}; when the user has no connection, also shows an {@link IntegrationPrompt} in the session. */
    @Override
    public Optional<Connection> require(String name) {
        Optional<Connection> connection = get(name);
        if (connection.isEmpty()) {
            // Shown outside the lock: show may throw (after the turn) and the transcript has a lock of its own.
            String label = PRESET_LABELS.getOrDefault(name, name);
            show.accept(new IntegrationPrompt(name, "Connect " + label, connectUrl(name), "This needs your " + label + " account."));
        }
        return connection;
    }

    @Override
    public synchronized boolean disconnect(String name) {
        return connections.remove(requireName(name)) != null;
    }

    private static String requireName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an integration needs a name, such as \"github\"");
        }
        return name;
    }

    @Override
    public synchronized String toString() {
        return "TestIntegrations" + connections.keySet();
    }
}
