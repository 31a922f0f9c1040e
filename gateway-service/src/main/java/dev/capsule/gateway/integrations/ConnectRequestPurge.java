package dev.capsule.gateway.integrations;

import dev.capsule.integrations.store.IntegrationStore;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Deletes connect requests nobody finished, past their expiry; replicas doing it at once is harmless. */
@ApplicationScoped
class ConnectRequestPurge {

    private static final Logger LOG = Logger.getLogger(ConnectRequestPurge.class);

    private final IntegrationStore store;

    ConnectRequestPurge(IntegrationStore store) {
        this.store = store;
    }

    @Scheduled(every = "${capsule.oauth.purge-every}", delayed = "PT1M", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> purge() {
        return store.purgeExpired().invoke(n -> {
            if (n > 0) {
                LOG.infof("purged %d connect requests past their expiry", n);
            }
        }).replaceWithVoid();
    }
}
