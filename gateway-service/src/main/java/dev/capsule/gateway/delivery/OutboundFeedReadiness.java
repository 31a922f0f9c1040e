package dev.capsule.gateway.delivery;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only when replies can reach this replica: the outbound feed has its positions. */
@Readiness
@ApplicationScoped
public class OutboundFeedReadiness implements HealthCheck {

    private final OutboundFeed feed;

    OutboundFeedReadiness(OutboundFeed feed) {
        this.feed = feed;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("Outbound feed").status(feed.isPositioned()).build();
    }
}
