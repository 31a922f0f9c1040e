package dev.capsule.adapters;

import dev.capsule.testing.HealthContract;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.RedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;

@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = FakeProviders.class, restrictToAnnotatedClass = false)
class HealthTest extends HealthContract {

    @Override
    protected List<String> readinessChecks() {
        return List.of("Kafka connection health check", "Redis connection health check", "outbound delivery");
    }
}
