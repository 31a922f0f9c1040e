package dev.capsule.gateway.auth;

import dev.capsule.events.EventCodec;
import dev.capsule.gateway.GatewayConfig;
import io.smallrye.common.annotation.Blocking;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Signs the local stack's dev user into the chat page without a token to paste: when
 * {@code capsule.gateway.dev-token-file} names a file (./capsule up sets it to the dev token it
 * writes), {@code GET /auth/dev-token} answers that token to callers on this machine (loopback)
 * only: the local stack's gateway listens on every interface, and its dev user must not be
 * anyone's on the network.
 * Unset, as it is by default and must stay in production, the endpoint answers 404 and the page
 * expects a token from the deployment's identity provider instead.
 */
@jakarta.ws.rs.Path("/auth/dev-token")
public class DevSignIn {

    private static final Logger LOG = Logger.getLogger(DevSignIn.class);

    private final Optional<String> tokenFile;

    DevSignIn(GatewayConfig config) {
        this.tokenFile = config.devTokenFile().filter(f -> !f.isBlank());
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    public Response token(@Context HttpServerRequest request) {
        CacheControl noStore = new CacheControl();
        noStore.setNoStore(true);
        if (tokenFile.isPresent() && !fromThisMachine(request)) {
            LOG.warnf("dev sign-in refused to %s: it answers callers on this machine only", request.remoteAddress());
            return Response.status(403).cacheControl(noStore).entity(EventCodec.mapper().createObjectNode()
                    .put("message", "dev sign-in answers only on this machine (localhost)")).build();
        }
        if (tokenFile.isEmpty()) {
            return Response.status(404).cacheControl(noStore).entity(EventCodec.mapper().createObjectNode()
                    .put("message", "no dev sign-in on this deployment: sign in with your identity provider")).build();
        }
        try {
            // Read on every call: ./capsule up writes a fresh token each time it runs.
            String token = Files.readString(java.nio.file.Path.of(tokenFile.get()), StandardCharsets.US_ASCII).strip();
            return Response.ok(EventCodec.mapper().createObjectNode().put("token", token)).cacheControl(noStore).build();
        } catch (IOException e) {
            LOG.warnf("the dev token file %s cannot be read: %s", tokenFile.get(), e.getMessage());
            return Response.status(503).cacheControl(noStore).entity(EventCodec.mapper().createObjectNode()
                    .put("message", "the dev token is not there yet; ./capsule up writes it once the stack is ready")).build();
        }
    }

    private static boolean fromThisMachine(HttpServerRequest request) {
        SocketAddress remote = request.remoteAddress();
        if (remote == null || remote.host() == null) {
            return false;
        }
        try {
            return InetAddress.getByName(remote.host()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false; // not an address literal: not a loopback caller
        }
    }
}
