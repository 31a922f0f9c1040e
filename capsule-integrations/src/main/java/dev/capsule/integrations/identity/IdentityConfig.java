package dev.capsule.integrations.identity;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Who a user is across channels: the owner scope's claim, and linking a channel identity to an app user. */
@ConfigMapping(prefix = "capsule.identity")
public interface IdentityConfig {

    /**
     * The token claim that names the user's owner scope ({@code session.user().ownerId()}, which scopes collections),
     * e.g. {@code org_id} so that a team shares its collections. Unset, or absent from a token, the owner is the user.
     */
    Optional<String> ownerClaim();

    /**
     * What a user of a named channel (Telegram, Slack, WhatsApp) types to get a link code; the runtime answers it, not
     * the app. Empty turns linking off.
     */
    @WithDefault("/link")
    String linkCommand();

    /** How long a link code may wait to be confirmed. */
    @WithDefault("PT10M")
    Duration linkCodeExpiry();
}
