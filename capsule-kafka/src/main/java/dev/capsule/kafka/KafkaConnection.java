package dev.capsule.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * How a service's own Kafka clients reach the broker: the same {@code kafka.*} settings that its
 * SmallRye channels get (bootstrap servers, and on a secured cluster {@code security.protocol},
 * {@code sasl.*}, {@code ssl.*}), so that a deployment configures its cluster once, for example
 * with {@code KAFKA_SECURITY_PROTOCOL=SASL_SSL}, and every client, hand-built or not, uses it.
 * Each client adds only what is its own: client id, group, serializers, timeouts.
 */
public final class KafkaConnection {

    private final Map<String, Object> settings;

    private KafkaConnection(Map<String, Object> settings) {
        this.settings = Map.copyOf(settings);
        if (!this.settings.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new IllegalArgumentException("no Kafka bootstrap servers: set kafka.bootstrap.servers (or KAFKA_BOOTSTRAP_SERVERS)");
        }
    }

    /**
     * The connection described by a service's {@code kafka.*} settings, prefix removed, as Quarkus
     * gathers them for its channels. A group id among them is left out: every client that joins a
     * group names its own.
     */
    public static KafkaConnection of(Map<String, Object> brokerSettings) {
        Map<String, Object> settings = new HashMap<>(brokerSettings);
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        settings.values().removeIf(Objects::isNull);
        return new KafkaConnection(settings);
    }

    /** A plain connection to {@code bootstrapServers}, for tools and tests that have nothing else to set. */
    public static KafkaConnection to(String bootstrapServers) {
        return new KafkaConnection(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** A client's configuration: this connection's settings, then the client's own, which win where both speak. */
    public Map<String, Object> with(Map<String, Object> own) {
        Map<String, Object> config = new HashMap<>(settings);
        config.putAll(own);
        return config;
    }

    public String bootstrapServers() {
        return String.valueOf(settings.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
    }

    @Override
    public String toString() {
        // Settings hold secrets (sasl.jaas.config, ssl passwords): name only what is safe to log.
        return "KafkaConnection[" + bootstrapServers() + ", security.protocol="
                + settings.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT") + "]";
    }
}
