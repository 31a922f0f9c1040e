package dev.capsule.integrations.identity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/** A link code a channel user was shown, waiting for the app user to confirm it, once. */
@Entity
@Table(name = "identity_link_codes")
public class LinkCode {

    @Id
    @Column(name = "code")
    public String code;

    @Column(name = "channel_user_id", nullable = false)
    public String channelUserId;

    /** The conversation the code was asked for in: it hears of the link. */
    @Column(name = "session_id", nullable = false)
    public String sessionId;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    /** Two confirmations at once: one wins. */
    @Version
    @Column(name = "version", nullable = false)
    public long version;
}
