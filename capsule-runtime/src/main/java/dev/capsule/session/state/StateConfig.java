package dev.capsule.session.state;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Settings of session state's copies, {@code capsule.session.state.*}: in this replica's memory
 * ({@link OwnedSessions}) and in Redis ({@link SessionStore}).
 */
@ConfigMapping(prefix = "capsule.session.state")
public interface StateConfig {

    /** How many sessions' state a replica keeps in memory at most; past it some go (then Redis serves them). */
    @WithDefault("100000")
    long cachedSessions();

    /** A session quiet for this long leaves memory (Redis still has it). */
    @WithDefault("PT30M")
    Duration cachedFor();

    /**
     * A session quiet for this long leaves Redis too, so that Redis holds the sessions in use rather than every
     * session there ever was: its next message resumes it from PostgreSQL's snapshot.
     */
    @WithDefault("P1D")
    Duration redisFor();

    /**
     * About how much of the heap the in-memory copies may take, in bytes (an estimate from their history's text, ids
     * and data); past it Caffeine's policy (recency and frequency) picks which go. Default: a quarter of the heap.
     * Bounding the count alone let sessions with full history windows fill the heap, and the service spent its time
     * collecting garbage.
     */
    Optional<Long> cachedBytes();
}
