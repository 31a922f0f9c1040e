package dev.capsule.session.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The session runtime's settings, {@code capsule.session.*}: an app's {@code application.properties}
 * (or the environment, {@code CAPSULE_SESSION_IDLE_TIMEOUT} and so on) overrides any of them. The
 * streams' and the state copies' settings have mappings of their own ({@code capsule.session.streams.*},
 * {@code capsule.session.state.*}).
 */
@ConfigMapping(prefix = "capsule.session")
public interface SessionConfig {

    /** How many of the newest history lines a turn has at hand; older ones are read page by page. */
    @WithDefault("50")
    int historyWindow();

    /**
     * The longest a turn (its handler and streams) may run. Past it the handler is interrupted, the turn
     * fails (the user gets its error, its data changes are dropped) and the session's next message goes on.
     */
    @WithDefault("PT5M")
    Duration turnTimeout();

    /**
     * How long a replica told to stop (SIGTERM: a rolling update, a scale-down) waits for the turns it runs to finish
     * before it leaves its consumer group; by default the longest a turn may run. A turn still running past it is run
     * again by the replica that takes its partition. Kubernetes' {@code terminationGracePeriodSeconds} must exceed it.
     */
    @WithDefault("${capsule.session.turn-timeout}")
    Duration shutdownDrain();

    /**
     * How long a read of PostgreSQL (a session's snapshot, the owner's collections) waits for
     * persistence-service to fold the writes it must see.
     */
    @WithDefault("PT10S")
    Duration foldWait();

    /**
     * How many times a turn is tried when it fails for a reason of its own (an event or a state Kafka refuses
     * as too large, say) before it ends as {@code TurnFailed}, its message is dead-lettered and the session goes
     * on. A failure of Kafka, Redis or PostgreSQL themselves is an outage, not the turn's: that turn is tried
     * until they are back, however long it takes.
     */
    @WithDefault("5")
    int turnAttempts();

    /** Turns taken off Kafka but not finished; past this, intake waits (memory stays bounded under load). */
    @WithDefault("2000")
    int maxTurnsInFlight();

    /**
     * How many of a session's messages may wait behind its running turn. One more is refused at once: the user gets a
     * {@code turn.failed} with the code {@code session_busy} and the message is not run, so that one flooding session
     * holds neither memory nor the partition's other sessions. The gateway's per-session rate limit keeps a
     * conversation well below it; this bounds what several gateways, or a slow handler, let pile up.
     */
    @WithDefault("100")
    int maxQueuedPerSession();

    /** A message that arrives while the session's previous turn runs: {@code queue}, {@code interrupt} or {@code coalesce}. */
    @WithDefault("queue")
    String doubleTexting();

    /**
     * A session in which nothing was said, either way, for this long is closed: the app's
     * {@code exit()} runs. {@code PT0S} keeps sessions open until they are closed explicitly.
     */
    @WithDefault("PT30M")
    Duration idleTimeout();

    /** How often the cluster looks for idle sessions (one replica at a time): a close comes at most this late. */
    @WithDefault("PT1S")
    Duration idleCheckInterval();

    /**
     * How many idle sessions the cluster asks to close a second while none is late. Sessions that went quiet together
     * (the end of a traffic spike) come due together; each close runs {@code exit()} and writes its events, so asked all
     * at once they would crowd out the live messages of that moment. Spread at this pace, they do not.
     */
    @WithDefault("100")
    int idleClosesPerSecond();

    /**
     * How far past its time-out the oldest session waiting for its idle close may fall before the pace rises: at this
     * much late the sweep asks twice {@link #idleClosesPerSecond()}, at twice this three times, and so on (up to 1,000
     * a sweep), so that a deployment whose sessions come due faster than the pace falls behind by a bounded time
     * (unless they come due faster than 1,000 a sweep for good).
     */
    @WithDefault("PT1M")
    Duration idleCloseCatchUp();

    /** Whether idle sessions are closed at all. */
    default boolean closesIdleSessions() {
        return !idleTimeout().isZero() && !idleTimeout().isNegative();
    }
}
