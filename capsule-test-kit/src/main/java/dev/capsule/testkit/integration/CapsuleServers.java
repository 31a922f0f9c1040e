package dev.capsule.testkit.integration;

import dev.capsule.testing.TestStack;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs an app's {@code @QuarkusTest} against real servers: a Kafka broker (in the test JVM, with Capsule's
 * topics), and Redis and PostgreSQL (as processes, with the read model's tables), on free ports.
 *
 * <pre>{@code
 * @QuarkusTest
 * @QuarkusTestResource(value = CapsuleServers.class, restrictToAnnotatedClass = false)
 * class MyAppIT { ... }
 * }</pre>
 *
 * <p>Each server starts on first use and stops when the test JVM exits, so every test class of the run shares
 * them. Redis and PostgreSQL are the machine's own programs ({@code redis-server}, and {@code initdb} and
 * {@code postgres} under {@code /usr/lib/postgresql}, or {@code CAPSULE_REDIS_BIN} and {@code CAPSULE_PG_BIN}):
 * {@code ./capsule new} installs them where they are missing. No Docker is needed.
 */
public class CapsuleServers implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>();
        config.putAll(TestStack.kafkaConfig());
        config.putAll(TestStack.redisConfig());
        config.putAll(TestStack.postgresConfig());
        return config;
    }

    @Override
    public void stop() {
        // The servers outlive the application under test; TestStack stops them with the JVM.
    }
}
