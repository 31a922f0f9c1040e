package dev.capsule.gateway.limits;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * What one user or session may ask of a gateway replica ({@code capsule.gateway.limits.*}; the
 * environment's {@code CAPSULE_GATEWAY_LIMITS_…} overrides). Each counts per replica: behind a load
 * balancer that spreads a user's requests, the cluster allows up to replicas × these. 0 turns a limit off.
 */
@ConfigMapping(prefix = "capsule.gateway.limits")
public interface LimitsConfig {

    /**
     * Messages one session takes per second, on average; a burst of twice as many passes at once.
     * People type far slower; a script flooding one conversation gets 429.
     */
    @WithDefault("10")
    int messagesPerSecondPerSession();

    /**
     * Messages one user sends per second, over all their sessions (burst twice as many). Off by default:
     * an integration that calls the API for one service user may send thousands a second.
     */
    @WithDefault("0")
    int messagesPerSecondPerUser();

    /** Chat sockets one user holds open at once on a replica; past it a new socket closes (1008). */
    @WithDefault("50")
    int socketsPerUser();

    /** Sessions one chat socket follows at once; past it a new one is refused with an error frame (429). */
    @WithDefault("500")
    int sessionsPerSocket();

    /**
     * Bytes of frames waiting to be written to one chat socket. Past it the socket is closed (1008, with the
     * reason): its reader has fallen this far behind, and the gateway would hold ever more for it. The client
     * connects again and resumes from the last seq it saw.
     */
    @WithDefault("4194304")
    long socketUnsentBytes();
}
