package dev.capsule.persistence.fold;

import dev.capsule.events.InboundMessage;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@code capsule_fold_lag_seconds}, a histogram: from a user's message accepted by the gateway (its timestamp) to its
 * fold into PostgreSQL committed, which is how far the read model (history, snapshots) trails the conversation.
 */
@ApplicationScoped
public class FoldMetrics {

    private final Timer lag;

    FoldMetrics(MeterRegistry registry) {
        this.lag = Timer.builder("capsule.fold.lag")
                .description("From a message accepted to its fold into PostgreSQL committed")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
    }

    /** The folds of {@code folded} are committed. */
    void committed(List<PendingFold> folded) {
        Instant now = Instant.now();
        for (PendingFold fold : folded) {
            if (fold.event() instanceof InboundMessage message) {
                lag.record(Duration.between(message.timestamp(), now));
            }
        }
    }
}
