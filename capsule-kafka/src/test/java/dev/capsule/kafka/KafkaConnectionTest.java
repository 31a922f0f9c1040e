package dev.capsule.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaConnectionTest {

    static final Map<String, Object> SECURED = Map.of(
            "bootstrap.servers", "kafka-0.kafka:9093",
            "security.protocol", "SASL_SSL",
            "sasl.mechanism", "SCRAM-SHA-512",
            "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"hunter2\";",
            "group.id", "session-service");

    @Test
    void everyClientGetsTheSecuritySettingsAndItsOwn() {
        Map<String, Object> config = KafkaConnection.of(SECURED).with(Map.of("client.id", "dead-letters", "acks", "all"));

        assertEquals("SASL_SSL", config.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", config.get("sasl.mechanism"));
        assertEquals(SECURED.get("sasl.jaas.config"), config.get("sasl.jaas.config"));
        assertEquals("kafka-0.kafka:9093", config.get("bootstrap.servers"));
        assertEquals("dead-letters", config.get("client.id"));
    }

    @Test
    void theApplicationsGroupIsNotEveryClientsGroup() {
        assertFalse(KafkaConnection.of(SECURED).with(Map.of()).containsKey("group.id"));
        assertEquals("adapters", KafkaConnection.of(SECURED).with(Map.of("group.id", "adapters")).get("group.id"));
    }

    @Test
    void aClientsOwnSettingWins() {
        assertEquals("read_committed", KafkaConnection.of(Map.of("bootstrap.servers", "k:9092", "isolation.level", "read_uncommitted"))
                .with(Map.of("isolation.level", "read_committed")).get("isolation.level"));
    }

    @Test
    void withoutBootstrapServersItSaysWhatToSet() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KafkaConnection.of(Map.of("security.protocol", "SSL")));
        assertTrue(e.getMessage().contains("kafka.bootstrap.servers"), e.getMessage());
    }

    @Test
    void itsDescriptionNamesNoSecret() {
        String described = KafkaConnection.of(SECURED).toString();
        assertFalse(described.contains("hunter2"), described);
        assertTrue(described.contains("SASL_SSL"), described);
    }
}
