package dev.capsule.gateway;

import static dev.capsule.gateway.Gateway.as;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.MonitoringQueries;
import dev.capsule.testing.PrometheusText;
import dev.capsule.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * After a message, /q/metrics shows its first reply, the open sockets, the limits' refusals, the PostgreSQL pool's use, and
 * the hand-built Kafka clients' own.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class MetricsTest {

    @BeforeEach
    void ready() {
        Gateway.awaitReady();
    }

    @Test
    void aMessageShowsInTheMetricsWithTheKafkaClientsOwn() {
        as("u1").body("{\"text\":\"hello\"}").accept(ContentType.JSON).post("/api/sessions/{id}/messages", Gateway.newSessionId())
                .then().statusCode(200);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
            assertTrue(PrometheusText.value(metrics, "capsule_gateway_first_reply_seconds_count") >= 1, metrics);
            assertTrue(metrics.contains("capsule_gateway_first_reply_seconds_bucket{"), "a histogram, for its p99");
            assertTrue(PrometheusText.value(metrics, "capsule_gateway_sockets_open") >= 0, "open sockets");
            assertTrue(PrometheusText.value(metrics, "capsule_gateway_refused_total") >= 0, "rate-limit refusals");
            assertTrue(PrometheusText.value(metrics, "sql_pool_active") >= 0, "PostgreSQL pool use");
            assertTrue(PrometheusText.value(metrics, "kafka_producer_record_send_total\\{[^}]*client_id=\"gateway-service-events\"[^}]*}") >= 1,
                    "the hand-built producer's own metrics");
            assertTrue(metrics.contains("kafka_consumer_fetch_manager_records_lag_max{client_id=\"gateway-outbound-feed\""),
                    "the outbound feed's own metrics, under its name: " + metrics);
            MonitoringQueries.assertServed("gateway-service", metrics);
        });
    }
}
