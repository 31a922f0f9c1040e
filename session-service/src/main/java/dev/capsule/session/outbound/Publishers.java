package dev.capsule.session.outbound;

import dev.capsule.kafka.EventPublisher;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The one producer through which this service sends every event. */
@ApplicationScoped
public class Publishers {

    @Produces
    @ApplicationScoped
    @DefaultBean
    EventPublisher publisher(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap,
                             @ConfigProperty(name = "quarkus.application.name") String application) {
        return new EventPublisher(bootstrap, application + "-events");
    }

    void close(@Disposes EventPublisher publisher) {
        publisher.close();
    }
}
