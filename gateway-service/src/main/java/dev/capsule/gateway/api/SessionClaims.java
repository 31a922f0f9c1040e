package dev.capsule.gateway.api;

import dev.capsule.gateway.auth.CurrentUser;
import dev.capsule.gateway.inbound.MessageIntake;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.NameBinding;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Claims a request's session ({@code {id}}) for its user before the resource method runs, on the
 * request's own event loop: a method that streams commits its 200 when it returns, so a refusal
 * must be answered before, and waiting for it must not hold a worker thread per request.
 */
@ApplicationScoped
class SessionClaims {

    /** Marks a resource method whose session is claimed by this filter first. */
    @NameBinding
    @Target({ElementType.METHOD, ElementType.TYPE})
    @Retention(RetentionPolicy.RUNTIME)
    @interface ClaimedFirst {
    }

    private final MessageIntake intake;
    private final JsonWebToken token;
    private final CurrentUser users;

    SessionClaims(MessageIntake intake, JsonWebToken token, CurrentUser users) {
        this.intake = intake;
        this.token = token;
        this.users = users;
    }

    /** Lets the request through (a null response) once the session is the user's, or answers the refusal. */
    @ServerRequestFilter
    @ClaimedFirst
    Uni<Response> claim(UriInfo uri) {
        String sessionId = uri.getPathParameters().getFirst("id");
        return intake.claimForMessage(sessionId, users.of(token))
                .replaceWith((Response) null)
                .onFailure(MessageIntake.Rejection.class).recoverWithItem(e -> RejectionMapper.answer((MessageIntake.Rejection) e));
    }
}
