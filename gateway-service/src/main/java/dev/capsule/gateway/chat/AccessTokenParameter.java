package dev.capsule.gateway.chat;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.quarkus.vertx.http.runtime.security.SecurityHandlerPriorities;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Browsers cannot set headers on a WebSocket, so the chat page sends its token as the
 * {@code access_token} query parameter of the upgrade. This filter moves it into the
 * Authorization header before Quarkus authenticates the request, so the one bearer JWT check
 * (smallrye-jwt reads headers and cookies, not query parameters) serves both. A header that is
 * already there wins. Only the chat path takes tokens from the URL, where they are likelier to be
 * logged; keep access logs free of query strings if they are ever turned on.
 */
@ApplicationScoped
class AccessTokenParameter {

    static final String PARAMETER = "access_token";

    /** Filters with a higher priority run first: this one just before authentication. */
    private static final int PRIORITY = SecurityHandlerPriorities.AUTHENTICATION + 10;

    void register(@Observes Filters filters) {
        filters.register(AccessTokenParameter::moveToHeader, PRIORITY);
    }

    private static void moveToHeader(RoutingContext context) {
        HttpServerRequest request = context.request();
        if (ChatSocket.PATH.equals(request.path()) && !request.headers().contains(HttpHeaders.AUTHORIZATION)) {
            String token = request.getParam(PARAMETER);
            if (token != null && !token.isBlank()) {
                request.headers().set(HttpHeaders.AUTHORIZATION, "Bearer " + token);
            }
        }
        context.next();
    }
}
