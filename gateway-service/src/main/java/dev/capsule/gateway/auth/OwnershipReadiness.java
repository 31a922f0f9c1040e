package dev.capsule.gateway.auth;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once session ownership can be decided: the {@code session_owners} table exists.
 * persistence-service migrates the schema at its start, so on a fresh deployment a gateway that
 * starts first waits for it here instead of refusing its first users with 503s.
 *
 * <p>Once the table has been seen, PostgreSQL going away leaves the gateway ready: the sessions it
 * knows the owners of chat on (their claims are final and cached), while new sessions and history
 * reads answer 503 until it is back. Taking every replica out of service for that would stop every
 * conversation instead of a few requests. The check then says so in its data.
 */
@Readiness
@ApplicationScoped
public class OwnershipReadiness implements AsyncHealthCheck {

    static final String NAME = "Session ownership";

    private final Pool pool;
    private final AtomicBoolean schemaSeen = new AtomicBoolean();

    OwnershipReadiness(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return pool.query("SELECT 1 FROM session_owners LIMIT 0").execute()
                .map(rows -> {
                    schemaSeen.set(true);
                    return HealthCheckResponse.up(NAME);
                })
                .onFailure().recoverWithItem(e -> schemaSeen.get()
                        ? HealthCheckResponse.named(NAME).up()
                                .withData("postgresql", "unreachable (" + e.getMessage() + "): sessions with known owners chat on;"
                                        + " new sessions, history and collections answer 503 until it is back")
                                .build()
                        : HealthCheckResponse.named(NAME).down()
                                .withData("reason", "session_owners cannot be read (has persistence-service migrated the schema?): "
                                        + e.getMessage()).build());
    }
}
