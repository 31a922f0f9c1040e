package dev.capsule.persistence;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.events.EventCodec;
import dev.capsule.events.EventMeta;
import dev.capsule.events.InboundMessage;
import dev.capsule.events.Topics;
import dev.capsule.events.TraceContext;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.MonitoringQueries;
import dev.capsule.testing.PrometheusText;
import dev.capsule.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A folded message shows in /q/metrics as the read model's lag, beside the consumer's own metrics. */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class MetricsTest extends FoldTestBase {

    @Test
    void aFoldedMessageShowsAsTheFoldLag() {
        String session = UUID.randomUUID().toString();
        InboundMessage message = InboundMessage.of(EventMeta.next(session, TraceContext.NONE), ADA, "web", "hello", null);
        log.publish(Topics.INBOUND, session, EventCodec.encode(message));
        log.awaitAllFolded();

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(PrometheusText.value(metrics, "capsule_fold_lag_seconds_count") >= 1, metrics);
        assertTrue(metrics.contains("capsule_fold_lag_seconds_bucket{"), "a histogram, for its p99");
        assertTrue(metrics.contains("kafka_consumer_fetch_manager_records_lag"), "the consumer's lag per partition");
        MonitoringQueries.assertServed("persistence-service", metrics);
    }
}
