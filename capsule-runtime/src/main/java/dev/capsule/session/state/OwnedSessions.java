package dev.capsule.session.state;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The last saved state of the sessions this replica is running, kept in memory so that a turn
 * starts without a Redis round trip and without parsing the state.
 *
 * <p>A copy is exact only while this replica owns the session's partition: nobody else handles
 * the session then, and every save of it goes through this replica, which puts the saved state
 * here. So the copies are dropped whenever the partition assignment changes ({@link #forgetAll}),
 * and a turn that loaded its state before such a change does not put its result back: each
 * put names the generation it loaded under. Redis stays the shared copy that another replica
 * resumes from, and PostgreSQL the durable one.
 */
@ApplicationScoped
public class OwnedSessions {

    private static final Logger LOG = Logger.getLogger(OwnedSessions.class);
    /** At most this many lookups wait for their turns; past it some are dropped, and their turns ask alone. */
    private static final int MAX_LOOKUPS = 10_000;
    /**
     * A lookup no turn took within this long is dropped: its record started no turn (a cancel when nothing ran, say),
     * and the session's next turn, whenever it comes, asks alone.
     */
    private static final Duration LOOKUP_KEPT = Duration.ofMinutes(1);
    /** Longer than Redis's and PostgreSQL's own time-outs: a lookup that takes this long is given up, not waited for. */
    private static final long LOOKUP_WAIT_SECONDS = 15;

    private final Cache<String, Entry> states;
    private final AtomicLong generation = new AtomicLong();
    /**
     * Lookups of sessions this replica does not hold, made for a poll before its turns ({@link SessionPrefetch}): each is
     * taken by the first turn of its session to load, and voided by any save of the session or change of assignment.
     */
    private final Cache<String, Lookup> lookups = Caffeine.newBuilder().executor(Runnable::run)
            .maximumSize(MAX_LOOKUPS).expireAfterWrite(LOOKUP_KEPT).build();

    OwnedSessions(StateConfig config) {
        if (config.cachedSessions() < 0) {
            throw new IllegalArgumentException("capsule.session.state.cached-sessions must be 0 or more, not " + config.cachedSessions());
        }
        long bytes = config.cachedBytes().orElse(Runtime.getRuntime().maxMemory() / 4);
        if (bytes < 0) {
            throw new IllegalArgumentException("capsule.session.state.cached-bytes must be 0 or more, not " + bytes);
        }
        // Both bounds as one weight: no copy weighs less than its share of the bytes for the count, so at most
        // cached-sessions copies fit, and copies with long histories fit fewer.
        long floor = config.cachedSessions() == 0 ? Long.MAX_VALUE : Math.max(1, bytes / config.cachedSessions());
        // The cache's upkeep runs on the calling thread: left to the common pool, it woke a thread of it after writes.
        this.states = Caffeine.newBuilder().executor(Runnable::run)
                .maximumWeight(config.cachedSessions() == 0 ? 0 : bytes)
                .weigher((String id, Entry entry) -> (int) Math.min(Integer.MAX_VALUE, Math.max(floor, weight(entry.state))))
                .expireAfterAccess(config.cachedFor()).build();
    }

    /** Roughly the bytes a state takes in memory: its history's lines, the ids it remembers, its data's fields. */
    static long weight(SessionState state) {
        long bytes = 512;
        for (var line : state.history()) {
            bytes += 160 + 2L * line.text().length();
        }
        bytes += 96L * state.recentInbound().size();
        bytes += 96L * state.data().size();
        return bytes;
    }

    /** How many copies are kept, once pending evictions are done. */
    long size() {
        states.cleanUp();
        return states.estimatedSize();
    }

    /** The assignment generation a turn loads under; pass it back to {@link #remember}. */
    public long generation() {
        return generation.get();
    }

    /** The session's last saved state, if this replica holds it for the current assignment. */
    public Optional<SessionState> get(String sessionId) {
        Entry entry = states.getIfPresent(sessionId);
        return entry == null || entry.generation != generation.get() ? Optional.empty() : Optional.of(entry.state);
    }

    /**
     * Holds {@code found}, a lookup of a session this replica does not hold, made under assignment {@code generation}
     * while no turn of the session ran: the session's next turn takes it instead of asking Redis and PostgreSQL alone.
     */
    void expect(String sessionId, long generation, CompletableFuture<LookedUp> found) {
        lookups.put(sessionId, new Lookup(generation, found));
    }

    /**
     * The lookup made for the session's next turn, if one waits and still holds: its answer once it has come, or
     * empty, and then the turn asks Redis and PostgreSQL itself (a failed lookup is asked again that way, so its error
     * is the one the turn meets).
     */
    public Optional<LookedUp> takeLookup(String sessionId) {
        Lookup lookup = lookups.asMap().remove(sessionId);
        if (lookup == null || lookup.generation != generation.get()) {
            return Optional.empty();
        }
        try {
            return Optional.of(lookup.found.get(LOOKUP_WAIT_SECONDS, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the lookup of session " + sessionId, e);
        } catch (ExecutionException | TimeoutException e) {
            LOG.debugf("session %s: the poll's lookup failed (%s); asking Redis and PostgreSQL for it alone", sessionId, e);
            return Optional.empty();
        }
    }

    /** Keeps {@code saved}, the state just saved, unless the assignment changed since {@code loadedUnder}. */
    public void remember(long loadedUnder, SessionState saved) {
        lookups.invalidate(saved.sessionId());
        if (loadedUnder == generation.get()) {
            states.put(saved.sessionId(), new Entry(loadedUnder, saved));
        }
    }

    /** Drops the session's copy: its save failed or was refused, so Redis decides what comes next. */
    public void forget(String sessionId) {
        lookups.invalidate(sessionId);
        states.invalidate(sessionId);
    }

    /** Drops every copy: partitions moved, so another replica may have handled any of these sessions since. */
    public void forgetAll(String why) {
        generation.incrementAndGet();
        lookups.invalidateAll();
        long dropped = states.estimatedSize();
        states.invalidateAll();
        LOG.debugf("%s: dropped the in-memory state of about %d sessions", why, dropped);
    }

    private record Entry(long generation, SessionState state) {
    }

    private record Lookup(long generation, CompletableFuture<LookedUp> found) {
    }
}
