package dev.capsule.gateway.auth;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Which user a session id belongs to. The first user to use a session id claims it
 * (atomically, in Redis); anyone else is refused. Every gateway replica sees the same claims,
 * so no replica needs to have seen the session before.
 */
@ApplicationScoped
public class SessionOwnership {

    private static final String PREFIX = "capsule:session-owner:";

    private final ReactiveValueCommands<String, String> values;

    SessionOwnership(ReactiveRedisDataSource redis) {
        this.values = redis.value(String.class);
    }

    /** Claims {@code sessionId} for {@code userId} if unclaimed; true when it is (now) theirs. */
    public Uni<Boolean> claim(String sessionId, String userId) {
        return values.setGet(PREFIX + sessionId, userId, new SetArgs().nx())
                .map(previous -> previous == null || previous.equals(userId));
    }

    /** The owner of {@code sessionId}, or null when nobody has used it. */
    public Uni<String> owner(String sessionId) {
        return values.get(PREFIX + sessionId);
    }
}
