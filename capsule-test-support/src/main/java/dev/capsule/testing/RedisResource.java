package dev.capsule.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points a {@code @QuarkusTest} at the test JVM's real Redis server:
 * {@code @QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)}.
 */
public class RedisResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return TestStack.redisConfig();
    }

    @Override
    public void stop() {
        // The server outlives the application under test; TestStack stops it with the JVM.
    }
}
