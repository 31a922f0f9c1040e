package dev.capsule.gateway.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How session ownership is kept (see {@link SessionOwnership}). */
@ConfigMapping(prefix = "capsule.gateway.ownership")
public interface OwnershipConfig {

    /**
     * How long a claim that has carried no message yet ({@code POST /api/sessions}, say) holds its
     * id against other users. Past it, another user may take the id; the first user keeps it as long
     * as nobody does. A claim that has carried a message never expires.
     */
    @WithDefault("PT1H")
    Duration unusedClaimTtl();

    /** How often each replica deletes unused claims past their time to live; harmless when replicas overlap. */
    @WithDefault("PT10M")
    Duration purgeEvery();

    /** How many sessions' owners one replica remembers, so that a known session costs no database query. */
    @WithDefault("200000")
    long cacheSize();

    /**
     * At most how many claims of new sessions share one statement: the claims that arrive while one
     * statement is in flight go together in the next, one commit for all of them.
     */
    @WithDefault("256")
    int claimsPerStatement();
}
