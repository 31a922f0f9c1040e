package dev.capsule.session.integrations;

import dev.capsule.integrations.Connections;
import dev.capsule.integrations.config.Integration;
import dev.capsule.integrations.config.IntegrationCatalog;
import dev.capsule.integrations.config.OAuthConfig;
import dev.capsule.integrations.oauth.Pkce;
import dev.capsule.integrations.store.ConnectRequest;
import dev.capsule.integrations.store.IntegrationStore;
import dev.capsule.sdk.Connection;
import dev.capsule.sdk.Integrations;
import dev.capsule.sdk.Session;
import dev.capsule.sdk.blocks.IntegrationPrompt;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@link Session#integrations()} for a turn: the user's connections from the shared store (tokens refreshed there),
 * and the connect prompt. Its methods block the turn's thread (a virtual thread) while Hibernate Reactive works on a
 * Vert.x context, as it must.
 */
@ApplicationScoped
public class SessionIntegrations {

    private final Connections connections;
    private final IntegrationStore store;
    private final IntegrationCatalog catalog;
    private final Duration connectExpiry;

    SessionIntegrations(Connections connections, IntegrationStore store, IntegrationCatalog catalog, OAuthConfig config) {
        this.connections = connections;
        this.store = store;
        this.catalog = catalog;
        this.connectExpiry = config.connectExpiry();
    }

    /** The integrations of {@code session}'s user, for the turn under way. */
    public Integrations forTurn(Session session) {
        String userId = session.user().id();
        return new Integrations() {
            @Override
            public List<Connection> list() {
                return ReactiveStore.await("listing the user's connections", () -> connections.list(userId))
                        .stream().map(SessionIntegrations::connection).toList();
            }

            @Override
            public Optional<Connection> get(String name) {
                catalog.require(name);
                return ReactiveStore.await("reading the " + name + " connection", () -> connections.fresh(userId, name)).map(SessionIntegrations::connection);
            }

            @Override
            public Optional<Connection> require(String name) {
                Optional<Connection> connection = get(name);
                if (connection.isEmpty()) {
                    session.show(prompt(session, catalog.require(name)));
                }
                return connection;
            }

            @Override
            public boolean disconnect(String name) {
                catalog.require(name);
                return ReactiveStore.await("disconnecting " + name, () -> connections.disconnect(userId, name));
            }
        };
    }

    /** The connect link: a one-time ticket bound to this user and session, stored before the link is shown. */
    private IntegrationPrompt prompt(Session session, Integration integration) {
        ConnectRequest request = new ConnectRequest();
        request.ticket = Pkce.random(24);
        request.userId = session.user().id();
        request.sessionId = session.id();
        request.channel = session.channel().name();
        request.integration = integration.name();
        request.expiresAt = Instant.now().plus(connectExpiry);
        ReactiveStore.await("storing a connect request", () -> store.add(request));
        String url = catalog.publicUrl() + "/integrations/" + integration.name() + "/connect?ticket="
                + URLEncoder.encode(request.ticket, StandardCharsets.UTF_8);
        return new IntegrationPrompt(integration.name(), "Connect " + integration.label(), url,
                "This needs your " + integration.label() + " account.");
    }

    private static Connection connection(Connections.Connected c) {
        return new Connection(c.integration(), c.accessToken(), c.scopes(), c.expiresAt(), c.connectedAt());
    }
}
