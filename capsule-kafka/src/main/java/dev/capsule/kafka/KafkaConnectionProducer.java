package dev.capsule.kafka;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Map;

/**
 * Gives each service one {@link KafkaConnection}, built from the map Quarkus' Kafka extension
 * makes of the {@code kafka.*} properties and {@code KAFKA_*} environment variables (the one its
 * SmallRye channels use too, TLS registry included).
 */
@ApplicationScoped
public class KafkaConnectionProducer {

    @Produces
    @Singleton
    KafkaConnection connection(@Identifier("default-kafka-broker") Map<String, Object> brokerSettings) {
        return KafkaConnection.of(brokerSettings);
    }
}
