package dev.capsule.gateway.integrations;

import dev.capsule.integrations.identity.IdentityLinks;
import dev.capsule.integrations.store.IntegrationStore;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Deletes connect requests and link codes nobody finished, past their expiry; replicas doing it at once is harmless. */
@ApplicationScoped
class ExpiredRequestsPurge {

    private static final Logger LOG = Logger.getLogger(ExpiredRequestsPurge.class);

    private final IntegrationStore store;
    private final IdentityLinks links;

    ExpiredRequestsPurge(IntegrationStore store, IdentityLinks links) {
        this.store = store;
        this.links = links;
    }

    @Scheduled(every = "${capsule.oauth.purge-every}", delayed = "PT1M", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> purge() {
        return store.purgeExpired().invoke(n -> {
            if (n > 0) {
                LOG.infof("purged %d connect requests past their expiry", n);
            }
        }).chain(links::purgeExpired).invoke(n -> {
            if (n > 0) {
                LOG.infof("purged %d link codes past their expiry", n);
            }
        }).replaceWithVoid();
    }
}
