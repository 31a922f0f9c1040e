package dev.capsule.integrations;

import dev.capsule.integrations.config.Integration;
import dev.capsule.integrations.config.IntegrationCatalog;
import dev.capsule.integrations.config.OAuthConfig;
import dev.capsule.integrations.crypto.TokenCipher;
import dev.capsule.integrations.oauth.OAuthClient;
import dev.capsule.integrations.oauth.OAuthException;
import dev.capsule.integrations.oauth.TokenGrant;
import dev.capsule.integrations.store.IntegrationConnection;
import dev.capsule.integrations.store.IntegrationStore;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.OptimisticLockException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.hibernate.StaleStateException;
import org.jboss.logging.Logger;

/**
 * A user's connections and their tokens' life: stored sealed, handed out fresh (refreshed when close to expiry),
 * dropped when they can no longer be refreshed, revoked at the provider on disconnect. The gateway stores what its
 * callback was granted; session-service hands tokens to the app.
 */
@ApplicationScoped
public class Connections {

    private static final Logger LOG = Logger.getLogger(Connections.class);

    private final IntegrationStore store;
    private final IntegrationCatalog catalog;
    private final TokenCipher cipher;
    private final OAuthClient oauth;
    private final Duration refreshAhead;

    Connections(IntegrationStore store, IntegrationCatalog catalog, TokenCipher cipher, OAuthClient oauth, OAuthConfig config) {
        this.store = store;
        this.catalog = catalog;
        this.cipher = cipher;
        this.oauth = oauth;
        this.refreshAhead = config.refreshAhead();
    }

    /**
     * A connection with an access token the app may use now.
     *
     * @param expiresAt null when the token does not expire
     */
    public record Connected(String integration, String accessToken, List<String> scopes, Instant expiresAt, Instant connectedAt) {

        /** The token stays out of logs. */
        @Override
        public String toString() {
            return "Connected[" + integration + ", scopes=" + scopes + ", expiresAt=" + expiresAt + "]";
        }
    }

    /** Stores what the provider granted {@code userId}, over any earlier connection of theirs to it. */
    public Uni<Void> connect(String userId, Integration integration, TokenGrant grant) {
        Instant now = Instant.now();
        IntegrationConnection row = new IntegrationConnection();
        row.userId = userId;
        row.integration = integration.name();
        row.connectedAt = now;
        seal(row, grant, now);
        return store.connect(row);
    }

    /**
     * The user's connection to {@code name} with a fresh access token: refreshed first when it expires within
     * {@code capsule.oauth.refresh-ahead}. Empty when there is none, or its token has expired and cannot be refreshed
     * (no refresh token, or the provider refused it: the user must connect again).
     */
    public Uni<Optional<Connected>> fresh(String userId, String name) {
        return fresh(userId, name, true);
    }

    private Uni<Optional<Connected>> fresh(String userId, String name, boolean retryOnRace) {
        if (catalog.find(name).isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return store.find(userId, name).chain(row -> row == null ? Uni.createFrom().item(Optional.<Connected>empty())
                : fresh(row, retryOnRace));
    }

    /** {@code row}'s token, refreshed first when it is about to expire: the read is the caller's. */
    private Uni<Optional<Connected>> fresh(IntegrationConnection row, boolean retryOnRace) {
        Optional<Integration> integration = catalog.find(row.integration);
        if (integration.isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        String userId = row.userId;
        String name = row.integration;
        Instant now = Instant.now();
        String access = cipher.open(row.keyId, row.accessToken, context(row, "access"));
        if (row.expiresAt == null || row.expiresAt.isAfter(now.plus(refreshAhead))) {
            return Uni.createFrom().item(Optional.of(connected(row, access)));
        }
        if (row.refreshToken == null) {
            boolean expired = !row.expiresAt.isAfter(now);
            LOG.infof("user %s: the %s token %s and cannot be refreshed", userId, name, expired ? "has expired" : "expires soon");
            return Uni.createFrom().item(expired ? Optional.<Connected>empty() : Optional.of(connected(row, access)));
        }
        String refresh = cipher.open(row.keyId, row.refreshToken, context(row, "refresh"));
        return oauth.refresh(integration.get(), refresh)
                .chain(grant -> {
                    seal(row, grant, Instant.now());
                    return store.update(row).replaceWith(Optional.of(connected(row, grant.accessToken())));
                })
                .onFailure(f -> retryOnRace && isRace(f)).recoverWithUni(f -> fresh(userId, name, false))
                .onFailure(OAuthException.class).recoverWithUni(f -> refused(userId, name, row, access, (OAuthException) f));
    }

    /** The user's connections, each with a fresh token; those that can no longer be refreshed are left out. */
    public Uni<List<Connected>> list(String userId) {
        // One after another: Hibernate Reactive's session on this context is not to be shared by concurrent work.
        return store.list(userId).onItem().transformToMulti(rows -> Multi.createFrom().iterable(rows))
                .onItem().transformToUniAndConcatenate(row -> fresh(row, true))
                .collect().asList().map(all -> all.stream().flatMap(Optional::stream).toList());
    }

    /**
     * Forgets the user's connection to {@code name}, revoking its tokens at the provider first when the provider has a
     * revocation endpoint. A revocation the provider refuses is logged; the connection is forgotten all the same.
     *
     * @return whether there was a connection
     */
    public Uni<Boolean> disconnect(String userId, String name) {
        return store.find(userId, name).chain(row -> {
            if (row == null) {
                return Uni.createFrom().item(false);
            }
            Optional<Integration> integration = catalog.find(name);
            Uni<Void> revoked = Uni.createFrom().voidItem();
            if (integration.isPresent()) {
                boolean hasRefresh = row.refreshToken != null;
                String token = cipher.open(row.keyId, hasRefresh ? row.refreshToken : row.accessToken, context(row, hasRefresh ? "refresh" : "access"));
                revoked = oauth.revoke(integration.get(), token, hasRefresh ? "refresh_token" : "access_token")
                        .onFailure().invoke(f -> LOG.warnf("user %s: revoking the %s token at the provider failed (%s); "
                                + "the connection is forgotten here all the same", userId, name, f.getMessage()))
                        .onFailure().recoverWithNull().replaceWithVoid();
            }
            return revoked.chain(() -> store.delete(userId, name)).invoke(deleted -> {
                if (deleted) {
                    LOG.infof("user %s disconnected %s", userId, name);
                }
            });
        });
    }

    private Uni<Optional<Connected>> refused(String userId, String name, IntegrationConnection row, String access, OAuthException f) {
        if ("invalid_grant".equals(f.error())) {
            LOG.infof("user %s: %s refused to refresh the token (%s); the connection is dropped and must be made again", userId, name,
                    f.getMessage());
            return store.delete(userId, name).replaceWith(Optional.empty());
        }
        if (row.expiresAt.isAfter(Instant.now())) {
            LOG.warnf("user %s: refreshing the %s token failed (%s); the current one is still valid and is used", userId, name,
                    f.getMessage());
            return Uni.createFrom().item(Optional.of(connected(row, access)));
        }
        return Uni.createFrom().failure(f);
    }

    private void seal(IntegrationConnection row, TokenGrant grant, Instant now) {
        TokenCipher.Sealed access = cipher.seal(grant.accessToken(), context(row, "access"));
        row.accessToken = access.bytes();
        row.keyId = access.keyId();
        row.refreshToken = grant.refreshToken() == null ? null : cipher.seal(grant.refreshToken(), context(row, "refresh")).bytes();
        row.scopes = String.join(" ", grant.scopes());
        row.expiresAt = grant.expiresAt();
        row.updatedAt = now;
    }

    private static Connected connected(IntegrationConnection row, String accessToken) {
        List<String> scopes = Arrays.stream(row.scopes.split(" ")).filter(s -> !s.isBlank()).toList();
        return new Connected(row.integration, accessToken, scopes, row.expiresAt, row.connectedAt);
    }

    /** The associated data of a sealed token: a token copied into another row, or into the other column, does not open. */
    private static String context(IntegrationConnection row, String which) {
        return row.userId + "\n" + row.integration + "\n" + which;
    }

    private static boolean isRace(Throwable f) {
        return f instanceof OptimisticLockException || f instanceof StaleStateException;
    }
}
