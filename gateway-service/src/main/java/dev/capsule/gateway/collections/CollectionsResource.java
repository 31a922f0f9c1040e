package dev.capsule.gateway.collections;

import dev.capsule.gateway.auth.CurrentUser;
import dev.capsule.gateway.api.ReadModelOutage;
import dev.capsule.gateway.inbound.MessageIntake.Rejection;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.regex.Pattern;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Read-only HTTP access to the caller's own collections. The owner is always the token's: no
 * parameter names one, so another owner's document is out of reach, and answers as absent.
 */
@Path("/api/collections")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class CollectionsResource {

    private static final String NAME_RULE = "^[a-z][a-z0-9_-]{0,62}$";
    private static final Pattern NAME = Pattern.compile(NAME_RULE);

    private final DocumentReader reader;
    private final JsonWebToken token;
    private final CurrentUser users;

    CollectionsResource(DocumentReader reader, JsonWebToken token, CurrentUser users) {
        this.reader = reader;
        this.token = token;
        this.users = users;
    }

    /** A page of the collection's documents, newest first, with a cursor to the next page if there is one. */
    @GET
    @Path("{name}")
    public Uni<Response> list(@PathParam("name") String name, @QueryParam("limit") String limit,
                              @QueryParam("cursor") String cursor) {
        // The limit comes as text: a number JAX-RS cannot convert would otherwise answer 404, not a 400 that says why.
        return ReadModelOutage.guard("collection " + name, reader.page(ownerId(), checked(name), limitOf(limit), cursor))
                .map(page -> Response.ok(page).build());
    }

    /** One document of the collection. */
    @GET
    @Path("{name}/{id}")
    public Uni<Response> get(@PathParam("name") String name, @PathParam("id") String id) {
        return ReadModelOutage.guard("document " + id + " of collection " + name, reader.one(ownerId(), checked(name), id))
                .map(document -> Response.ok(document).build());
    }

    private String ownerId() {
        return users.of(token).ownerId();
    }

    private static String checked(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new Rejection(400, "a collection name must match " + NAME_RULE
                    + ": a lowercase letter, then up to 62 lowercase letters, digits, '_' or '-'");
        }
        return name;
    }

    private static int limitOf(String limit) {
        if (limit == null) {
            return 20;
        }
        try {
            int n = Integer.parseInt(limit);
            if (n >= 1 && n <= 200) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Answered below, like a number out of range.
        }
        throw new Rejection(400, "limit is a whole number from 1 to 200");
    }
}
