package dev.capsule.gateway.delivery;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How the live feed of {@code capsule.outbound} follows the topic (see {@link OutboundFeed}). */
@ConfigMapping(prefix = "capsule.gateway.outbound-feed")
public interface OutboundFeedConfig {

    /**
     * How old the feed's view of the topic's partitions may grow (its consumer's {@code metadata.max.age.ms}):
     * partitions an operator adds to {@code capsule.outbound} are read within about this long, without a restart.
     */
    @WithDefault("PT30S")
    Duration partitionRefresh();
}
