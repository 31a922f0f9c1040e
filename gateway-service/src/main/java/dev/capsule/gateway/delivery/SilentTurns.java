package dev.capsule.gateway.delivery;

import dev.capsule.gateway.GatewayConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Ends the HTTP waits whose turns have sent nothing for {@code capsule.gateway.turn-timeout}: one
 * sweep a second for every wait on this replica. A timer per request (Mutiny's {@code ifNoItem},
 * armed again at each event of a stream) woke the worker pool's scheduler thread at each arming
 * and cancelling, a wake-up or more per message; the sweep ends a silent turn's wait up to a
 * second late, against a timeout of a minute.
 */
@ApplicationScoped
public class SilentTurns {

    private static final Logger LOG = Logger.getLogger(SilentTurns.class);

    private final Deliveries deliveries;
    private final Duration turnTimeout;

    SilentTurns(Deliveries deliveries,
                GatewayConfig config) {
        Duration turnTimeout = config.turnTimeout();
        if (turnTimeout.isNegative() || turnTimeout.isZero()) {
            throw new IllegalArgumentException("capsule.gateway.turn-timeout must be a positive duration (such as PT60S), not "
                    + turnTimeout);
        }
        this.deliveries = deliveries;
        this.turnTimeout = turnTimeout;
    }

    /** How long a request waits for its turn's next event. */
    public Duration turnTimeout() {
        return turnTimeout;
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        int ended = deliveries.endSilentTurns(System.nanoTime(), turnTimeout);
        if (ended > 0) {
            LOG.infof("%d requests stopped waiting for turns that sent nothing for %s (capsule.gateway.turn-timeout)",
                    ended, turnTimeout);
        }
    }
}
