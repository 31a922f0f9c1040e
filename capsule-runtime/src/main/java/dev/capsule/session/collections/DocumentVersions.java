package dev.capsule.session.collections;

import dev.capsule.session.state.StoreUnavailableException;
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
    /**
     * Returns -1 when the version moved to ARGV[3] (or this very write, ARGV[4], already moved
     * it: a turn run again after a crash), else the current version that refused it.
     */
    private static final String CHECK_AND_SET = """
            local stored = redis.call('GET', KEYS[1])
            local current = tonumber(ARGV[2])
            if stored then
                local sep = string.find(stored, '|', 1, true)
                current = tonumber(string.sub(stored, 1, sep - 1))
                if current == tonumber(ARGV[3]) and string.sub(stored, sep + 1) == ARGV[4] then return -1 end
            end
            if current ~= tonumber(ARGV[1]) then return current end
            redis.call('SET', KEYS[1], ARGV[3] .. '|' .. ARGV[4], 'EX', 86400)
            return -1
            """;

    private final RedisDataSource redis;

    DocumentVersions(RedisDataSource redis) {
        this.redis = redis;
    }

    /**
     * Moves document {@code id} from {@code expected} to {@code next} if it is at {@code expected}.
     *
     * @param stored  the version PostgreSQL has (0 when none), used when Redis has none
     * @param writeId the write asking, so that the same write asking again succeeds again
     * @return -1 when moved, else the version it is at
     */
    public long checkAndSet(String ownerId, String collection, String id, long expected, long stored, long next,
                            String writeId) {
        return StoreUnavailableException.usingRedis("check the version of document " + id + " of collection " + collection,
                () -> redis.execute("EVAL", CHECK_AND_SET, "1", KEY + ownerId + ":" + collection + ":" + id,
                        String.valueOf(expected), String.valueOf(stored), String.valueOf(next), writeId).toLong());
    }
}
