package dev.capsule.gateway.chat;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.quarkus.vertx.http.runtime.security.SecurityHandlerPriorities;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;

/**
 * Browsers cannot set headers on a WebSocket, so a browser sends its token in one of the two places
 * a page controls: a subprotocol it offers, {@code access_token.<JWT>} beside {@code capsule} (which
 * the gateway selects), as the chat page does; or the {@code access_token} query parameter of the
 * upgrade. This filter moves it into the Authorization header before Quarkus authenticates the
 * request, so the one bearer JWT check (smallrye-jwt reads headers and cookies, not subprotocols or
 * query parameters) serves all three. A header that is already there wins, then the subprotocol.
 * The subprotocol keeps the token out of URLs, which proxies and access logs tend to record.
 */
@ApplicationScoped
class AccessTokenParameter {

    static final String PARAMETER = "access_token";
    /** The subprotocol the gateway selects; a client offering a token offers it too, or a browser drops the socket. */
    static final String SUBPROTOCOL = "capsule";
    /** A subprotocol that carries a token: this prefix, then the JWT (its characters are all legal in a subprotocol). */
    static final String TOKEN_SUBPROTOCOL_PREFIX = PARAMETER + ".";

    /** Filters with a higher priority run first: this one just before authentication. */
    private static final int PRIORITY = SecurityHandlerPriorities.AUTHENTICATION + 10;

    void register(@Observes Filters filters) {
        filters.register(AccessTokenParameter::moveToHeader, PRIORITY);
    }

    private static void moveToHeader(RoutingContext context) {
        HttpServerRequest request = context.request();
        if (ChatSocket.PATH.equals(request.path()) && !request.headers().contains(HttpHeaders.AUTHORIZATION)) {
            String token = fromSubprotocols(request.headers().getAll("Sec-WebSocket-Protocol"));
            if (token == null) {
                token = request.getParam(PARAMETER);
            }
            if (token != null && !token.isBlank()) {
                request.headers().set(HttpHeaders.AUTHORIZATION, "Bearer " + token);
            }
        }
        context.next();
    }

    /** The token of an {@code access_token.<JWT>} subprotocol among those offered, or null. */
    private static String fromSubprotocols(List<String> headers) {
        for (String header : headers) {
            for (String offered : header.split(",")) {
                String protocol = offered.strip();
                if (protocol.startsWith(TOKEN_SUBPROTOCOL_PREFIX)) {
                    return protocol.substring(TOKEN_SUBPROTOCOL_PREFIX.length());
                }
            }
        }
        return null;
    }
}
