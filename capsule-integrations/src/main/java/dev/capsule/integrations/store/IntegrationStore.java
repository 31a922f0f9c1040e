package dev.capsule.integrations.store;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Connections and connect requests in PostgreSQL, through Hibernate Reactive. Every method runs in a transaction of
 * its own and must be called on a Vert.x context (the gateway's request, or {@code VertxContextSupport} from a turn).
 */
@ApplicationScoped
public class IntegrationStore {

    private final Mutiny.SessionFactory sessions;

    IntegrationStore(Mutiny.SessionFactory sessions) {
        this.sessions = sessions;
    }

    public Uni<Void> add(ConnectRequest request) {
        return sessions.withTransaction(s -> s.persist(request));
    }

    /** The request of {@code ticket} while it waits to start: empty once it is unknown, started or expired. */
    public Uni<Optional<ConnectRequest>> waiting(String ticket) {
        Instant now = Instant.now();
        return sessions.withSession(s -> s.find(ConnectRequest.class, ticket))
                .map(r -> r == null || r.state != null || r.expired(now) ? Optional.<ConnectRequest>empty() : Optional.of(r));
    }

    /**
     * Starts the flow of {@code ticket} once: records its state, PKCE verifier and browser binding. Empty for a ticket
     * unknown, expired or already started.
     */
    public Uni<Optional<ConnectRequest>> start(String ticket, String state, String codeVerifier, String browserBinding) {
        Instant now = Instant.now();
        return sessions.withTransaction(s -> s.find(ConnectRequest.class, ticket).map(r -> {
            if (r == null || r.state != null || r.expired(now)) {
                return Optional.<ConnectRequest>empty();
            }
            r.state = state;
            r.codeVerifier = codeVerifier;
            r.browserBinding = browserBinding;
            return Optional.of(r);
        }));
    }

    /** Takes the started flow of {@code state} away, once: the callback's. Empty for a state unknown or already used. */
    public Uni<Optional<ConnectRequest>> finish(String state) {
        return sessions.withTransaction(s -> s.createSelectionQuery("from ConnectRequest where state = :state", ConnectRequest.class)
                .setParameter("state", state).getSingleResultOrNull()
                .chain(r -> r == null ? Uni.createFrom().item(Optional.<ConnectRequest>empty())
                        : s.remove(r).replaceWith(Optional.of(r))));
    }

    /** Deletes connect requests past their expiry; answers how many. */
    public Uni<Integer> purgeExpired() {
        return sessions.withTransaction(s -> s.createMutationQuery("delete from ConnectRequest where expiresAt < :now")
                .setParameter("now", Instant.now()).executeUpdate());
    }

    public Uni<IntegrationConnection> find(String userId, String integration) {
        return sessions.withSession(s -> s.find(IntegrationConnection.class, new IntegrationConnection.Key(userId, integration)));
    }

    public Uni<List<IntegrationConnection>> list(String userId) {
        return sessions.withSession(s -> s.createSelectionQuery("from IntegrationConnection where userId = :user order by integration",
                IntegrationConnection.class).setParameter("user", userId).getResultList());
    }

    /** Stores a new connection, or the user's new grant over the old one. */
    public Uni<Void> connect(IntegrationConnection connection) {
        return sessions.withTransaction(s -> s.find(IntegrationConnection.class, new IntegrationConnection.Key(connection.userId,
                connection.integration)).chain(existing -> {
            if (existing == null) {
                return s.persist(connection);
            }
            existing.accessToken = connection.accessToken;
            existing.refreshToken = connection.refreshToken;
            existing.keyId = connection.keyId;
            existing.scopes = connection.scopes;
            existing.expiresAt = connection.expiresAt;
            existing.connectedAt = connection.connectedAt;
            existing.updatedAt = connection.updatedAt;
            return Uni.createFrom().voidItem();
        }));
    }

    /**
     * Writes a refreshed token over the row it was read from; fails with an optimistic lock error when another replica
     * refreshed it first ({@code version} moved).
     */
    public Uni<Void> update(IntegrationConnection refreshed) {
        return sessions.withTransaction(s -> s.merge(refreshed).replaceWithVoid());
    }

    /** Whether there was a connection to delete. */
    public Uni<Boolean> delete(String userId, String integration) {
        return sessions.withTransaction(s -> s.createMutationQuery(
                        "delete from IntegrationConnection where userId = :user and integration = :integration")
                .setParameter("user", userId).setParameter("integration", integration).executeUpdate().map(n -> n > 0));
    }
}
