package dev.capsule.gateway.integrations;

import dev.capsule.gateway.auth.CurrentUser;
import dev.capsule.gateway.inbound.MessageIntake;
import dev.capsule.integrations.Connections;
import dev.capsule.integrations.config.IntegrationCatalog;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The caller's connected integrations over the API: which there are, and disconnecting one. Tokens never leave. */
@Path("/api/integrations")
@Authenticated
public class IntegrationsResource {

    private final Connections connections;
    private final IntegrationCatalog catalog;
    private final JsonWebToken token;
    private final CurrentUser users;

    IntegrationsResource(Connections connections, IntegrationCatalog catalog, JsonWebToken token, CurrentUser users) {
        this.connections = connections;
        this.catalog = catalog;
        this.token = token;
        this.users = users;
    }

    /** One connection as the API shows it: no token. */
    public record ConnectionView(String integration, List<String> scopes, Instant expiresAt, Instant connectedAt) {
    }

    /** The integrations the deployment offers and the caller's connections to them. */
    public record Listing(List<String> offered, List<ConnectionView> connected) {
    }

    @GET
    public Uni<Listing> list() {
        return connections.list(users.of(token).id()).map(all -> new Listing(
                catalog.all().stream().map(i -> i.name()).toList(),
                all.stream().map(c -> new ConnectionView(c.integration(), c.scopes(), c.expiresAt(), c.connectedAt())).toList()));
    }

    /** Disconnects: revokes the tokens at the provider where it can, and forgets them. 204, or 404 ({@code {"error"}}) when not connected. */
    @DELETE
    @Path("/{name}")
    public Uni<Response> disconnect(@PathParam("name") String name) {
        if (catalog.find(name).isEmpty()) {
            throw new MessageIntake.Rejection(404, "no integration named '" + name + "' is configured");
        }
        return connections.disconnect(users.of(token).id(), name).map(deleted -> {
            if (!deleted) {
                throw new MessageIntake.Rejection(404, "you have no " + name + " connection");
            }
            return Response.noContent().build();
        });
    }
}
