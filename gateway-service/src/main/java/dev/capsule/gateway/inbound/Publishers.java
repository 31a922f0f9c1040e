package dev.capsule.gateway.inbound;

import dev.capsule.kafka.EventPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The one producer through which the gateway publishes users' messages. */
@ApplicationScoped
public class Publishers {

    @Produces
    @ApplicationScoped
    EventPublisher publisher(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap,
                             @ConfigProperty(name = "quarkus.application.name") String application) {
        return new EventPublisher(bootstrap, application + "-inbound");
    }

    void close(@Disposes EventPublisher publisher) {
        publisher.close();
    }
}
