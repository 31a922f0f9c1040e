package dev.capsule.gateway;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * The gateway's own settings that belong to no one part of it ({@code capsule.gateway.*}; the environment's
 * {@code CAPSULE_GATEWAY_…} overrides). The parts with several settings have mappings of their own: limits,
 * ownership, resume, outbound-feed.
 */
@ConfigMapping(prefix = "capsule.gateway")
public interface GatewayConfig {

    /**
     * How long an API request waits for its turn's next event before it is answered 504 (the JSON path) or its
     * event stream ends; the turn's answer is still in the session's history.
     */
    @WithDefault("PT60S")
    Duration turnTimeout();

    /**
     * The largest message a user may send, in bytes of its JSON, over the API or a chat socket; a larger one is refused
     * with 413 (the API's status, or the code in a chat socket's error frame) and never reaches Kafka.
     */
    @WithDefault("16384")
    int maxMessageBytes();

    /**
     * A file holding the local stack's dev token, which {@code GET /auth/dev-token} answers to callers on this
     * machine. Unset (or blank), as it must stay in production, there is no dev sign-in.
     */
    Optional<String> devTokenFile();
}
