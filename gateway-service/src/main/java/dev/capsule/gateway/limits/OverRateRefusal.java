package dev.capsule.gateway.limits;

import dev.capsule.events.EventCodec;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.quarkus.vertx.http.runtime.security.SecurityHandlerPriorities;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Refuses a message to a session that is over its rate as soon as the request's user is known, before
 * its body is read, its session's owner looked up or the REST layer routes it: one session flooding a
 * gateway (the chaos scenario {@code flood-one-session}: 500 requests within a second) then costs it
 * little more than the HTTP parsing of each, and not the time of the other conversations it serves.
 * It only looks ({@link RateLimits#sessionOverRate}): a message that finds tokens left goes on to be
 * counted, and refused if need be, by the claim as before, so that a request for another user's session
 * takes nothing from that session's bucket. While the session is over its rate, such a request gets this
 * 429 instead of its 403: it learns that the session is busy, and nothing of what is in it. A request
 * without a valid token is still refused (401) by authentication, before this.
 */
@ApplicationScoped
class OverRateRefusal {

    /** Filters with a higher priority run first: this one right after authentication, before the REST layer. */
    private static final int PRIORITY = SecurityHandlerPriorities.AUTHENTICATION - 10;
    private static final String PREFIX = "/api/sessions/";
    private static final String SUFFIX = "/messages";

    private final RateLimits limits;

    OverRateRefusal(RateLimits limits) {
        this.limits = limits;
    }

    void register(@Observes Filters filters) {
        filters.register(this::refuseOverRate, PRIORITY);
    }

    private void refuseOverRate(RoutingContext context) {
        HttpServerRequest request = context.request();
        String sessionId = request.method() == HttpMethod.POST ? sessionOf(request.path()) : null;
        String refusal = sessionId != null && context.user() instanceof QuarkusHttpUser user && !user.getSecurityIdentity().isAnonymous()
                ? limits.sessionOverRate(sessionId) : null;
        if (refusal == null) {
            context.next();
            return;
        }
        limits.refusedOverSessionRate();
        // The same answer as the REST layer's for a limit (api/RejectionMapper): {"error": …} and Retry-After.
        context.response().setStatusCode(429).putHeader("Content-Type", "application/json").putHeader("Retry-After", "1")
                .end(EventCodec.mapper().createObjectNode().put("error", refusal).toString());
    }

    /** The {id} of {@code /api/sessions/{id}/messages}, or null for any other path. */
    private static String sessionOf(String path) {
        if (path == null || !path.startsWith(PREFIX) || !path.endsWith(SUFFIX) || path.length() <= PREFIX.length() + SUFFIX.length()) {
            return null;
        }
        String id = path.substring(PREFIX.length(), path.length() - SUFFIX.length());
        return id.indexOf('/') >= 0 ? null : id;
    }
}
