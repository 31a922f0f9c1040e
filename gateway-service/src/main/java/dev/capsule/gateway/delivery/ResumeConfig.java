package dev.capsule.gateway.delivery;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How a chat socket that resumes after a drop reads back what it missed (see {@link OutboundReplay}). */
@ConfigMapping(prefix = "capsule.gateway.resume")
public interface ResumeConfig {

    /** The furthest back a replay reads, whatever time the page names; a page away longer reloads its history. */
    @WithDefault("PT15M")
    Duration maxLookBack();

    /** How long before the page's last event a replay starts reading: session-service replicas' clocks differ. */
    @WithDefault("PT30S")
    Duration clockSkew();

    /** How long one replay may take (Kafka unreachable, say) before the page is told to reload its history instead. */
    @WithDefault("PT10S")
    Duration timeout();

    /** How many replays one replica runs at once; more wait (a replica's restart sends all its sockets to the others). */
    @WithDefault("8")
    int maxConcurrent();
}
