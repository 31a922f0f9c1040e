package dev.capsule.testing;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every service promises its orchestrator: it is live once started, and ready only
 * after its own checks of the servers it needs have passed. A service's {@code HealthTest}
 * extends this and names those checks.
 */
public abstract class HealthContract {

    /** The names of the readiness checks that must be present and UP. */
    protected abstract List<String> readinessChecks();

    @Test
    void isLive() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void isReadyOnlyAfterCheckingItsRealConnections() {
        // Some checks (the gateway's outbound feed) pass a moment after start.
        await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/q/health/ready").statusCode() == 200);
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems(readinessChecks().toArray(String[]::new)));
    }
}
