package dev.capsule.integrations.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/**
 * A connect flow under way, bound to one user and one session: made when a handler requires an integration
 * (its {@link #ticket} is in the link shown), started once by the gateway's {@code /connect}, finished once by the
 * provider's callback. See {@code V8__integrations.sql}.
 */
@Entity
@Table(name = "integration_connect_requests")
public class ConnectRequest {

    @Id
    @Column(name = "ticket")
    public String ticket;

    @Column(name = "user_id", nullable = false)
    public String userId;

    @Column(name = "session_id", nullable = false)
    public String sessionId;

    /** The session's channel: the callback sends a web chat user back to the chat, others to a page saying to go back. */
    @Column(name = "channel", nullable = false)
    public String channel;

    @Column(name = "integration", nullable = false)
    public String integration;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    /** The OAuth state sent to the provider; null until the flow starts. */
    @Column(name = "state")
    public String state;

    @Column(name = "code_verifier")
    public String codeVerifier;

    /** SHA-256 of the cookie the browser that started the flow holds: the callback must come from it. */
    @Column(name = "browser_binding")
    public String browserBinding;

    /** Two starts or two callbacks at once: one of each wins. */
    @Version
    @Column(name = "version", nullable = false)
    public long version;

    public boolean expired(Instant now) {
        return !expiresAt.isAfter(now);
    }
}
