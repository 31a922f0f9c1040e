package dev.capsule.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.testing.MonitoringQueries;
import dev.capsule.testing.MonitoringQueries.Query;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The dashboard and alert rules in deploy/monitoring read, and every metric they query names the service that serves
 * it: each service's metrics test then checks its share against its live /q/metrics (MonitoringQueries.assertServed).
 */
class MonitoringFilesTest {

    @Test
    void everyQueryNamesAServiceAndEveryServiceIsQueried() {
        List<Query> queries = MonitoringQueries.all();
        assertEquals(MonitoringQueries.SERVICES, queries.stream().map(Query::service).collect(Collectors.toSet()),
                "each service's metrics test checks its share; a service with none would check nothing");
        Set<String> alerts = queries.stream().map(Query::file).filter(f -> f.startsWith("alerts.yaml")).collect(Collectors.toSet());
        for (String alert : List.of("CapsuleConsumerLagHigh", "CapsuleTurnP99High", "CapsuleTurnsFailing", "CapsuleDeadLetters")) {
            assertTrue(alerts.contains("alerts.yaml: " + alert), alert + " is missing: " + alerts);
        }
    }

    @Test
    void aMetricReadWithoutItsServiceOrOfAnUnknownServiceIsRefused() {
        assertEquals(List.of(new Query("t", "capsule_turns_queued", "session-service")),
                MonitoringQueries.parse("t", "sum(capsule_turns_queued{service=\"session-service\"}) > 10"));
        assertThrows(IllegalStateException.class, () -> MonitoringQueries.parse("t", "sum(rate(capsule_dead_letters_total[5m]))"));
        assertThrows(IllegalStateException.class, () -> MonitoringQueries.parse("t", "capsule_dead_letters_total{outcome=\"x\"}"));
        assertThrows(IllegalStateException.class, () -> MonitoringQueries.parse("t", "capsule_dead_letters_total{service=\"sessions\"}"));
    }
}
