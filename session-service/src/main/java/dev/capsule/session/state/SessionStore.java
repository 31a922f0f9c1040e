package dev.capsule.session.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.capsule.events.EventCodec;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Session state in Redis, one hash per session ({@code version}, {@code state}). Saving is
 * fenced: a Lua script writes only if the stored version is the one the turn started from,
 * so an instance that lost the session in a rebalance cannot overwrite newer state.
 * Called from turn threads (virtual threads), so the blocking client is the right one.
 */
@ApplicationScoped
public class SessionStore {

    private static final String KEY_PREFIX = "capsule:session:";

    /**
     * Returns -1 when written, else the stored version that refused the write. A missing key is
     * written whatever was expected: the state was then loaded from PostgreSQL after Redis lost it.
     */
    private static final String FENCED_SAVE = """
            local stored = redis.call('HGET', KEYS[1], 'version')
            if stored and tonumber(stored) ~= tonumber(ARGV[1]) then return tonumber(stored) end
            redis.call('HSET', KEYS[1], 'version', ARGV[2], 'state', ARGV[3])
            return -1
            """;

    private final RedisDataSource redis;

    SessionStore(RedisDataSource redis) {
        this.redis = redis;
    }

    public Optional<SessionState> load(String sessionId) {
        Response state = redis.execute("HGET", KEY_PREFIX + sessionId, "state");
        if (state == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(EventCodec.mapper().readValue(state.toString(), SessionState.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the stored state of session " + sessionId + " is unreadable: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Saves {@code next}, whose version must be one more than the stored one.
     *
     * @throws StaleSessionException when the stored version has moved on
     */
    public void save(SessionState next) {
        String json;
        try {
            json = EventCodec.mapper().writeValueAsString(next);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the state of session " + next.sessionId(), e);
        }
        long expected = next.version() - 1;
        Response result = redis.execute("EVAL", FENCED_SAVE, "1", KEY_PREFIX + next.sessionId(),
                String.valueOf(expected), String.valueOf(next.version()), json);
        long stored = result.toLong();
        if (stored != -1) {
            throw new StaleSessionException(next.sessionId(), expected, stored);
        }
    }
}
