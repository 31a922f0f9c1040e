package dev.capsule.session.collections;

import dev.capsule.session.state.StoreUnavailableException;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each owner's latest collection writes landed in Kafka (partition → offset), in Redis
 * so that every session-service replica knows it. A read waits until the fold has passed
 * these offsets: that is read-your-writes, for the same turn and the owner's next turn anywhere.
 */
@ApplicationScoped
public class OwnerWrites {

    private static final String KEY = "capsule:owner-writes:";
    private static final String RAISE = """
            local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
            if tonumber(ARGV[2]) > current then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
            return 1
            """;

    private final RedisDataSource redis;

    OwnerWrites(RedisDataSource redis) {
        this.redis = redis;
    }

    public void record(String ownerId, int partition, long offset) {
        StoreUnavailableException.usingRedis("keep where the owner's write landed",
                () -> redis.execute("EVAL", RAISE, "1", KEY + ownerId, String.valueOf(partition), String.valueOf(offset)));
    }

    /** The latest write offset of {@code ownerId} per partition of the changes topic. */
    public Map<Integer, Long> of(String ownerId) {
        Map<Integer, Long> offsets = new HashMap<>();
        StoreUnavailableException.usingRedis("read where the owner's writes landed", () -> redis.hash(String.class).hgetall(KEY + ownerId))
                .forEach((partition, offset) -> offsets.put(Integer.parseInt(partition), Long.parseLong(offset)));
        return offsets;
    }
}
