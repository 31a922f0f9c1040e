package dev.capsule.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points a {@code @QuarkusTest} at the test JVM's real Postgres server:
 * {@code @QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)}.
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return TestStack.postgresConfig();
    }

    @Override
    public void stop() {
        // The server outlives the application under test; TestStack stops it with the JVM.
    }
}
