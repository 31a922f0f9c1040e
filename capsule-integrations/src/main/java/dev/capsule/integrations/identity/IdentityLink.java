package dev.capsule.integrations.identity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A channel identity linked to an app user: the channel's sessions belong to that user. See {@code V9__identity_links.sql}. */
@Entity
@Table(name = "identity_links")
public class IdentityLink {

    /** {@code <type>:<channel>:<provider user id>}, as channel-adapters names channel users. */
    @Id
    @Column(name = "channel_user_id")
    public String channelUserId;

    @Column(name = "user_id", nullable = false)
    public String userId;

    @Column(name = "owner_id", nullable = false)
    public String ownerId;

    @Column(name = "email")
    public String email;

    @Column(name = "linked_at", nullable = false)
    public Instant linkedAt;
}
