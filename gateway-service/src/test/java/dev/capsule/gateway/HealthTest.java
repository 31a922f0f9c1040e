package dev.capsule.gateway;

import dev.capsule.testing.HealthContract;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;

@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class HealthTest extends HealthContract {

    @Override
    protected List<String> readinessChecks() {
        // No check of the PostgreSQL pool's own: PostgreSQL down leaves the gateway ready (GatewayWithoutPostgresTest).
        return List.of("Kafka connection health check",
                "Outbound feed",
                "Session ownership");
    }
}
