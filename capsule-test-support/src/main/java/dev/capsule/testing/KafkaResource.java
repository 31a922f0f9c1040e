package dev.capsule.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points a {@code @QuarkusTest} at the test JVM's real Kafka server:
 * {@code @QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)}.
 */
public class KafkaResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return TestStack.kafkaConfig();
    }

    @Override
    public void stop() {
        // The server outlives the application under test; TestStack stops it with the JVM.
    }
}
