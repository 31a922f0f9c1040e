package dev.capsule.gateway.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.capsule.gateway.inbound.MessageIntake.Rejection;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The limits of {@link LimitsConfig}, in this replica's memory: a token bucket (Bucket4j) per session
 * and per user for messages, kept while in use, and a count of each user's open chat sockets. What each limit refuses is
 * counted at {@code /q/metrics}: {@code capsule_gateway_refused_total}, by {@code limit}, the setting's name.
 */
// At start-up, so that the refusal counters are on /q/metrics, at 0, before a first message.
@Startup
@ApplicationScoped
public class RateLimits {

    private final LimitsConfig config;
    // The cache's upkeep runs on the calling thread: left to the common pool, it woke a thread of it after writes.
    private final Cache<String, Bucket> sessions = Caffeine.newBuilder().executor(Runnable::run)
            .expireAfterAccess(Duration.ofMinutes(10))
            .maximumSize(1_000_000).build();
    // The cache's upkeep runs on the calling thread: left to the common pool, it woke a thread of it after writes.
    private final Cache<String, Bucket> users = Caffeine.newBuilder().executor(Runnable::run)
            .expireAfterAccess(Duration.ofMinutes(10))
            .maximumSize(1_000_000).build();
    private final ConcurrentHashMap<String, AtomicInteger> sockets = new ConcurrentHashMap<>();
    private final Counter overSessionRate;
    private final Counter overUserRate;
    private final Counter overSockets;

    RateLimits(LimitsConfig config, MeterRegistry registry) {
        this.config = config;
        this.overSessionRate = refusals(registry, "messages-per-second-per-session");
        this.overUserRate = refusals(registry, "messages-per-second-per-user");
        this.overSockets = refusals(registry, "sockets-per-user");
    }

    private static Counter refusals(MeterRegistry registry, String limit) {
        return Counter.builder("capsule.gateway.refused").tag("limit", limit)
                .description("Messages and chat sockets refused by a limit of capsule.gateway.limits").register(registry);
    }

    /**
     * Counts a message of {@code userId} into {@code sessionId}.
     *
     * @throws Rejection 429, saying which limit and when to try again, when the message is one too many
     */
    public void takeMessage(String sessionId, String userId) {
        take(sessions, sessionId, config.messagesPerSecondPerSession(), "session " + sessionId, overSessionRate);
        take(users, userId, config.messagesPerSecondPerUser(), "user " + userId, overUserRate);
    }

    /**
     * Why a message to {@code sessionId} would be refused now by its rate ({@link #takeMessage}'s 429 message), or
     * null when it might be taken. Takes nothing: a request that was not yet found to be the session owner's must not
     * spend the owner's messages.
     */
    public String sessionOverRate(String sessionId) {
        int perSecond = config.messagesPerSecondPerSession();
        Bucket bucket = perSecond > 0 ? sessions.getIfPresent(sessionId) : null;
        if (bucket == null) {
            return null;
        }
        EstimationProbe estimate = bucket.estimateAbilityToConsume(1);
        return estimate.canBeConsumed() ? null : tooMany("session " + sessionId, perSecond, estimate.getNanosToWaitForRefill());
    }

    private static String tooMany(String who, int perSecond, long nanosToWait) {
        return "too many messages: " + who + " takes at most " + perSecond + " a second; send again in "
                + Math.max(1, nanosToWait / 1_000_000) + " ms";
    }

    /** Counts a message that {@link OverRateRefusal} refused for {@link #sessionOverRate}'s reason. */
    void refusedOverSessionRate() {
        overSessionRate.increment();
    }

    private static void take(Cache<String, Bucket> buckets, String key, int perSecond, String who, Counter refused) {
        if (perSecond <= 0) {
            return;
        }
        ConsumptionProbe probe = buckets.get(key, k -> Bucket.builder()
                .addLimit(limit -> limit.capacity(2L * perSecond).refillGreedy(perSecond, Duration.ofSeconds(1))).build())
                .tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            refused.increment();
            throw new Rejection(429, tooMany(who, perSecond, probe.getNanosToWaitForRefill()));
        }
    }

    /** Counts a chat socket of {@code userId} opening; false (and not counted) when the user has as many as allowed. */
    public boolean openSocket(String userId) {
        int max = config.socketsPerUser();
        AtomicInteger open = sockets.computeIfAbsent(userId, k -> new AtomicInteger());
        if (open.incrementAndGet() > max && max > 0) {
            open.decrementAndGet();
            overSockets.increment();
            return false;
        }
        return true;
    }

    /** Counts a socket that {@link #openSocket} let open closing. */
    public void closeSocket(String userId) {
        sockets.computeIfPresent(userId, (k, open) -> open.decrementAndGet() <= 0 ? null : open);
    }
}
