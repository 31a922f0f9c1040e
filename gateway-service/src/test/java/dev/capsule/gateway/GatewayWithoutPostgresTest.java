package dev.capsule.gateway;

import static dev.capsule.gateway.Gateway.as;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.PostgresServer;
import dev.capsule.testing.TcpProxy;
import dev.capsule.testing.TestStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL going away, for this gateway alone (its connections run through a proxy the test cuts): the gateway stays
 * ready, a session whose owner it knows chats on, and what needs PostgreSQL (a new session's claim, the history)
 * answers 503 saying to try again, until PostgreSQL is back.
 */
@QuarkusTest
@TestProfile(GatewayWithoutPostgresTest.ThroughProxy.class)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
class GatewayWithoutPostgresTest {

    private static TcpProxy proxy;

    public static class ThroughProxy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            PostgresServer pg = TestStack.postgres();
            synchronized (GatewayWithoutPostgresTest.class) {
                if (proxy == null) {
                    proxy = TcpProxy.to(pg.port());
                }
            }
            Map<String, String> config = new HashMap<>(TestStack.postgresConfig());
            config.put("quarkus.datasource.reactive.url", pg.reactiveUrl().replace(":" + pg.port() + "/", ":" + proxy.port() + "/"));
            return config;
        }
    }

    @Test
    void withPostgresGoneTheGatewayStaysReadyKnownSessionsChatAndWhatNeedsItAnswers503() {
        Gateway.awaitReady();
        String known = Gateway.newSessionId();
        as("u1").body("{\"text\":\"one\"}").accept(ContentType.JSON).post("/api/sessions/{id}/messages", known)
                .then().statusCode(200);

        proxy.cut();
        try {
            given().get("/q/health/ready").then().statusCode(200)
                    .body("status", equalTo("UP"))
                    .body("checks.find { it.name == 'Session ownership' }.data.postgresql", containsString("unreachable"));
            as("u1").body("{\"text\":\"two\"}").accept(ContentType.JSON).post("/api/sessions/{id}/messages", known)
                    .then().statusCode(200)
                    .body("events[0].text", equalTo("echo: two"));
            as("u1").body("{\"text\":\"hello\"}").accept(ContentType.JSON).post("/api/sessions/{id}/messages", Gateway.newSessionId())
                    .then().statusCode(503)
                    .body("error", containsString("try again"));
            as("u1").get("/api/sessions/{id}/history", known)
                    .then().statusCode(503)
                    .body("error", containsString("the history of session " + known + " cannot be read right now"));
        } finally {
            proxy.restore();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                as("u1").get("/api/sessions/{id}/history", known).then().statusCode(200));
    }
}
