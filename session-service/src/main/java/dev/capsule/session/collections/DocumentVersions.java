package dev.capsule.session.collections;

import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The check-and-set that makes "update at version N" safe between concurrent turns of one
 * owner: Redis holds each recently changed document's version; when it has none (expired, or
 * Redis was flushed), the version read from PostgreSQL after waiting for the owner's writes
 * to be folded is the baseline.
 */
@ApplicationScoped
public class DocumentVersions {

    private static final String KEY = "capsule:doc-version:";
    /** Returns -1 when the version moved to ARGV[3], else the current version that refused it. */
    private static final String CHECK_AND_SET = """
            local current = tonumber(redis.call('GET', KEYS[1]) or ARGV[2])
            if current ~= tonumber(ARGV[1]) then return current end
            redis.call('SET', KEYS[1], ARGV[3], 'EX', 86400)
            return -1
            """;

    private final RedisDataSource redis;

    DocumentVersions(RedisDataSource redis) {
        this.redis = redis;
    }

    /**
     * Moves document {@code id} from {@code expected} to {@code next} if it is at {@code expected}.
     *
     * @param stored the version PostgreSQL has (0 when none), used when Redis has none
     * @return -1 when moved, else the version it is at
     */
    public long checkAndSet(String ownerId, String collection, String id, long expected, long stored, long next) {
        return redis.execute("EVAL", CHECK_AND_SET, "1", KEY + ownerId + ":" + collection + ":" + id,
                String.valueOf(expected), String.valueOf(stored), String.valueOf(next)).toLong();
    }
}
