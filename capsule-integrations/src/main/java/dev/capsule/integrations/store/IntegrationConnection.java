package dev.capsule.integrations.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/** A user's connection to one integration: its tokens, sealed ({@link dev.capsule.integrations.crypto.TokenCipher}). */
@Entity
@Table(name = "integration_connections")
@IdClass(IntegrationConnection.Key.class)
public class IntegrationConnection {

    @Id
    @Column(name = "user_id")
    public String userId;

    @Id
    @Column(name = "integration")
    public String integration;

    @Column(name = "access_token", nullable = false)
    public byte[] accessToken;

    @Column(name = "refresh_token")
    public byte[] refreshToken;

    @Column(name = "key_id", nullable = false)
    public String keyId;

    /** Granted scopes, space-separated. */
    @Column(name = "scopes", nullable = false)
    public String scopes = "";

    /** Null when the access token does not expire. */
    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "connected_at", nullable = false)
    public Instant connectedAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** Two replicas refreshing the same token at once: the second write fails rather than overwrite the first. */
    @Version
    @Column(name = "version", nullable = false)
    public long version;

    /** The composite key. */
    public static class Key implements Serializable {
        public String userId;
        public String integration;

        public Key() {
        }

        public Key(String userId, String integration) {
            this.userId = userId;
            this.integration = integration;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(userId, k.userId) && Objects.equals(integration, k.integration);
        }

        @Override
        public int hashCode() {
            return Objects.hash(userId, integration);
        }
    }
}
