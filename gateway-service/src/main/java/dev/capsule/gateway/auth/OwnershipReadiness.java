package dev.capsule.gateway.auth;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only when session ownership can be decided: the {@code session_owners} table exists.
 * persistence-service migrates the schema at its start, so on a fresh deployment a gateway that
 * starts first waits for it here instead of refusing its first users with 503s.
 */
@Readiness
@ApplicationScoped
public class OwnershipReadiness implements AsyncHealthCheck {

    static final String NAME = "Session ownership";

    private final Pool pool;

    OwnershipReadiness(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return pool.query("SELECT 1 FROM session_owners LIMIT 0").execute()
                .map(rows -> HealthCheckResponse.up(NAME))
                .onFailure().recoverWithItem(e -> HealthCheckResponse.named(NAME).down()
                        .withData("reason", "session_owners cannot be read (has persistence-service migrated the schema?): "
                                + e.getMessage()).build());
    }
}
