package dev.capsule.adapters.outbound;

import dev.capsule.adapters.config.DeliveryConfig;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.hash.HashCommands;
import io.quarkus.redis.datasource.keys.KeyCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.redis.datasource.value.ValueCommands;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/**
 * What was sent for which outbound event, in Redis, so that any replica, after any crash,
 * knows not to send it again. Two marks per event: {@code attempt} is set before the first
 * call to the provider, {@code done} after the last. An event with an attempt but no done
 * mark was being sent when a replica died: its outcome is unknown, and it is not sent blindly
 * again. Also the state of streams being shown by editing one message.
 */
@ApplicationScoped
public class DeliveryRecords {

    private static final String PREFIX = "capsule:adapters:";

    private final ValueCommands<String, String> values;
    private final HashCommands<String, String, String> hashes;
    private final KeyCommands<String> keys;
    private final long ttlSeconds;

    DeliveryRecords(RedisDataSource redis, DeliveryConfig config) {
        this.values = redis.value(String.class);
        this.hashes = redis.hash(String.class);
        this.keys = redis.key();
        this.ttlSeconds = config.recordTtl().toSeconds();
    }

    /** Whether {@code key} (an event id, or a stream's first send) has been delivered or dead-lettered. */
    public boolean done(String key) {
        return values.get(PREFIX + "done:" + key) != null;
    }

    /** Records that {@code key} is settled: {@code outcome} is the provider's message id, or why it was dead-lettered. */
    public void markDone(String key, String outcome) {
        values.set(PREFIX + "done:" + key, outcome == null ? "" : outcome, new SetArgs().ex(ttlSeconds));
    }

    /** Takes the right to call the provider for {@code key}; false when an earlier attempt took it (its outcome unknown). */
    public boolean claimAttempt(String key) {
        return values.setGet(PREFIX + "attempt:" + key, String.valueOf(System.currentTimeMillis()),
                new SetArgs().nx().ex(ttlSeconds)) == null;
    }

    /** A stream's saved state (message id, text shown, next chunk index), empty when none. */
    public Map<String, String> stream(String channel, String streamId) {
        return hashes.hgetall(PREFIX + "stream:" + channel + ":" + streamId);
    }

    public void saveStream(String channel, String streamId, Map<String, String> state) {
        String key = PREFIX + "stream:" + channel + ":" + streamId;
        hashes.hset(key, state);
        keys.expire(key, ttlSeconds);
    }

    public void forgetStream(String channel, String streamId) {
        keys.del(PREFIX + "stream:" + channel + ":" + streamId);
    }
}
