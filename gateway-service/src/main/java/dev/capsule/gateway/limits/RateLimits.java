package dev.capsule.gateway.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.capsule.gateway.inbound.MessageIntake.Rejection;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The limits of {@link LimitsConfig}, in this replica's memory: a token bucket (Bucket4j) per session
 * and per user for messages, kept while in use, and a count of each user's open chat sockets.
 */
@ApplicationScoped
public class RateLimits {

    private final LimitsConfig config;
    private final Cache<String, Bucket> sessions = Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(10))
            .maximumSize(1_000_000).build();
    private final Cache<String, Bucket> users = Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(10))
            .maximumSize(1_000_000).build();
    private final ConcurrentHashMap<String, AtomicInteger> sockets = new ConcurrentHashMap<>();

    RateLimits(LimitsConfig config) {
        this.config = config;
    }

    /**
     * Counts a message of {@code userId} into {@code sessionId}.
     *
     * @throws Rejection 429, saying which limit and when to try again, when the message is one too many
     */
    public void takeMessage(String sessionId, String userId) {
        take(sessions, sessionId, config.messagesPerSecondPerSession(), "session " + sessionId);
        take(users, userId, config.messagesPerSecondPerUser(), "user " + userId);
    }

    private static void take(Cache<String, Bucket> buckets, String key, int perSecond, String who) {
        if (perSecond <= 0) {
            return;
        }
        ConsumptionProbe probe = buckets.get(key, k -> Bucket.builder()
                .addLimit(limit -> limit.capacity(2L * perSecond).refillGreedy(perSecond, Duration.ofSeconds(1))).build())
                .tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            long waitMs = Math.max(1, probe.getNanosToWaitForRefill() / 1_000_000);
            throw new Rejection(429, "too many messages: " + who + " takes at most " + perSecond
                    + " a second; send again in " + waitMs + " ms");
        }
    }

    /** Counts a chat socket of {@code userId} opening; false (and not counted) when the user has as many as allowed. */
    public boolean openSocket(String userId) {
        int max = config.socketsPerUser();
        AtomicInteger open = sockets.computeIfAbsent(userId, k -> new AtomicInteger());
        if (open.incrementAndGet() > max && max > 0) {
            open.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Counts a socket that {@link #openSocket} let open closing. */
    public void closeSocket(String userId) {
        sockets.computeIfPresent(userId, (k, open) -> open.decrementAndGet() <= 0 ? null : open);
    }
}
