package dev.capsule.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Gives each service that includes this module one {@link EventPublisher}, closed on shutdown. */
@ApplicationScoped
public class EventPublisherProducer {

    @Produces
    @ApplicationScoped
    EventPublisher publisher(KafkaConnection connection, MeterRegistry metrics,
                             @ConfigProperty(name = "quarkus.application.name") String application) {
        // capsule.kafka.linger-ms: see EventPublisher; read here so that every service has it without a mapping of its own.
        int lingerMs = ConfigProvider.getConfig().getOptionalValue("capsule.kafka.linger-ms", Integer.class).orElse(1);
        EventPublisher publisher = new EventPublisher(connection, application + "-events", lingerMs);
        publisher.bindMetrics(metrics);
        return publisher;
    }

    void close(@Disposes EventPublisher publisher) {
        publisher.close();
    }
}
