package dev.capsule.kafka;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Gives each service that includes this module one {@link EventPublisher}, closed on shutdown. */
@ApplicationScoped
public class EventPublisherProducer {

    @Produces
    @ApplicationScoped
    EventPublisher publisher(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap,
                             @ConfigProperty(name = "quarkus.application.name") String application) {
        return new EventPublisher(bootstrap, application + "-events");
    }

    void close(@Disposes EventPublisher publisher) {
        publisher.close();
    }
}
