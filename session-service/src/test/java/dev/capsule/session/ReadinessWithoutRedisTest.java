package dev.capsule.session;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.Ports;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Readiness really asks Redis: with no Redis where the service looks, it is not ready. */
@QuarkusTest
@TestProfile(ReadinessWithoutRedisTest.NoRedis.class)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
class ReadinessWithoutRedisTest {

    public static class NoRedis implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.redis.hosts", "redis://127.0.0.1:" + Ports.free());
        }
    }

    @Test
    void isNotReadyWhenRedisCannotBeReached() {
        given().get("/q/health/ready").then().statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'Redis connection health check' }.status", equalTo("DOWN"))
                .body("checks.name", hasItem("Redis connection health check"));
    }
}
