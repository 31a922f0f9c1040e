package dev.capsule.session;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.events.Topics;
import dev.capsule.events.TurnEnded;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.MonitoringQueries;
import dev.capsule.testing.PrometheusText;
import dev.capsule.testing.PostgresResource;
import dev.capsule.testing.RedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * After a turn, /q/metrics shows it: the turn's duration by outcome, turns in flight and queued, the Redis and PostgreSQL
 * pools' use, and the Kafka clients' own, the hand-built producer's too.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class MetricsTest {

    @Test
    void aTurnShowsInTheMetricsWithTheKafkaClientsOwn() {
        try (KafkaTestClient kafka = new KafkaTestClient(Topics.OUTBOUND, Topics.CHANGES)) {
            String s = TurnTest.session();
            kafka.send(s, "u1", "one");
            await().atMost(TurnTest.WAIT).until(() -> kafka.of(s, TurnEnded.class).size() == 1);
        }
        await().atMost(TurnTest.WAIT).untilAsserted(() -> {
            String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
            assertTrue(PrometheusText.value(metrics, "capsule_turn_duration_seconds_count\\{outcome=\"ok\"[^}]*}") >= 1, metrics);
            assertTrue(metrics.contains("capsule_turn_duration_seconds_bucket{"), "a histogram, for p99 by outcome");
            assertTrue(metrics.contains("capsule_turns_in_flight "), "turns in flight");
            assertTrue(metrics.contains("capsule_turns_queued "), "queue depth");
            assertTrue(metrics.contains("capsule_messages_refused_total{"), "refusals");
            assertTrue(PrometheusText.value(metrics, "redis_pool_active") >= 0, "Redis pool use");
            assertTrue(PrometheusText.value(metrics, "sql_pool_active") >= 0, "PostgreSQL pool use");
            assertTrue(metrics.contains("capsule_turn_retries_total "), "tries again");
            assertTrue(metrics.contains("capsule_dead_letters_total "), "dead letters");
            assertTrue(PrometheusText.value(metrics, "kafka_producer_record_send_total\\{[^}]*client_id=\"session-service-events\"[^}]*}") >= 1,
                    "the hand-built producer's own metrics: " + metrics);
            assertTrue(metrics.contains("kafka_consumer_fetch_manager_records_lag"), "consumer lag of the inbound consumer");
            MonitoringQueries.assertServed("session-service", metrics);
        });
    }
}
