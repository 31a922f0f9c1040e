package dev.capsule.adapters.outbound;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the outbound consumer reaches the broker: replies to external users depend on it. */
@Readiness
@ApplicationScoped
public class DeliveryReadiness implements HealthCheck {

    private final OutboundConsumer consumer;
    private final ChatLanes lanes;

    DeliveryReadiness(OutboundConsumer consumer, ChatLanes lanes) {
        this.consumer = consumer;
        this.lanes = lanes;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("outbound delivery")
                .status(consumer.healthy())
                .withData("inFlight", lanes.inFlight())
                .build();
    }
}
