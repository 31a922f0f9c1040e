package dev.capsule.gateway.integrations;

import dev.capsule.events.EventMeta;
import dev.capsule.events.InboundConnected;
import dev.capsule.events.Topics;
import dev.capsule.events.TraceContext;
import dev.capsule.integrations.Connections;
import dev.capsule.integrations.config.Integration;
import dev.capsule.integrations.config.IntegrationCatalog;
import dev.capsule.integrations.config.OAuthConfig;
import dev.capsule.integrations.oauth.OAuthClient;
import dev.capsule.integrations.oauth.OAuthException;
import dev.capsule.integrations.oauth.Pkce;
import dev.capsule.integrations.store.ConnectRequest;
import dev.capsule.integrations.store.IntegrationStore;
import dev.capsule.kafka.EventPublisher;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The OAuth connect flow: {@code /connect} turns the one-time ticket of a connect link into the provider's consent
 * (state, PKCE, and a cookie binding the flow to this browser); {@code /callback} takes the code back once, from the
 * same browser, trades it for tokens, stores them sealed and tells the session, in order with its messages.
 *
 * <p>The user is known from the ticket, which session-service made for them in their session; a browser that carries
 * the user's token as well (the web chat's {@code Authorization}) must carry the same user's. Answers are small HTML
 * pages, for a person in a browser; no token, code or state is ever logged.
 */
@Path("/integrations/{name}")
public class ConnectFlow {

    private static final Logger LOG = Logger.getLogger(ConnectFlow.class);
    private static final String COOKIE = "capsule_connect";

    private final IntegrationCatalog catalog;
    private final IntegrationStore store;
    private final OAuthClient oauth;
    private final Connections connections;
    private final EventPublisher publisher;
    private final SecurityIdentity identity;
    private final Duration expiry;

    ConnectFlow(IntegrationCatalog catalog, IntegrationStore store, OAuthClient oauth, Connections connections, EventPublisher publisher,
                SecurityIdentity identity, OAuthConfig config) {
        this.catalog = catalog;
        this.store = store;
        this.oauth = oauth;
        this.connections = connections;
        this.publisher = publisher;
        this.identity = identity;
        this.expiry = config.connectExpiry();
    }

    @GET
    @Path("/connect")
    public Uni<Response> connect(@PathParam("name") String name, @QueryParam("ticket") String ticket) {
        Optional<Integration> integration = catalog.find(name);
        if (integration.isEmpty()) {
            return page(Response.Status.NOT_FOUND, "No such integration", "This deployment offers no integration named " + name + ".");
        }
        if (ticket == null || ticket.isBlank()) {
            return page(Response.Status.BAD_REQUEST, "Not a connect link", "The link has no ticket. Ask for it again in the chat.");
        }
        String binding = Pkce.random(24);
        String state = Pkce.random(24);
        String verifier = Pkce.verifier();
        return store.start(ticket, state, verifier, Pkce.hash(binding)).map(started -> {
            if (started.isEmpty() || !started.get().integration.equals(name)) {
                return html(Response.Status.GONE, "This link has expired", "Connect links work once, for "
                        + expiry.toMinutes() + " minutes. Ask for " + integration.get().label() + " again in the chat.");
            }
            ConnectRequest request = started.get();
            if (!identity.isAnonymous() && !identity.getPrincipal().getName().equals(request.userId)) {
                LOG.warnf("connect link of user %s for %s opened by signed-in user %s: refused", request.userId, name,
                        identity.getPrincipal().getName());
                return html(Response.Status.FORBIDDEN, "Not your link", "This connect link was made for another user.");
            }
            LOG.infof("user %s (session %s) is connecting %s", request.userId, request.sessionId, name);
            URI consent = URI.create(oauth.authorizeUrl(integration.get(), catalog.redirectUri(integration.get()), state,
                    Pkce.challenge(verifier)));
            return Response.seeOther(consent).cookie(bindingCookie(name, binding, (int) expiry.toSeconds())).build();
        });
    }

    @GET
    @Path("/callback")
    public Uni<Response> callback(@PathParam("name") String name, @QueryParam("code") String code, @QueryParam("state") String state,
                                  @QueryParam("error") String error, @CookieParam(COOKIE) String binding) {
        Optional<Integration> integration = catalog.find(name);
        if (integration.isEmpty()) {
            return page(Response.Status.NOT_FOUND, "No such integration", "This deployment offers no integration named " + name + ".");
        }
        if (state == null || state.isBlank()) {
            return page(Response.Status.BAD_REQUEST, "Not a sign-in answer", "The provider's answer carries no state.");
        }
        return store.finish(state).chain(finished -> {
            if (finished.isEmpty()) {
                LOG.warnf("%s callback with a state unknown or already used: refused", name);
                return page(Response.Status.BAD_REQUEST, "This sign-in was already used",
                        "Each sign-in works once. Ask for " + integration.get().label() + " again in the chat.");
            }
            ConnectRequest request = finished.get();
            if (!request.integration.equals(name) || binding == null || !Pkce.hash(binding).equals(request.browserBinding)) {
                LOG.warnf("%s callback for user %s from another browser than the one that started it: refused", name, request.userId);
                return page(Response.Status.FORBIDDEN, "Started elsewhere",
                        "This sign-in was started in another browser. Follow the connect link again from here.");
            }
            if (request.expired(Instant.now())) {
                return page(Response.Status.GONE, "This sign-in has expired", "Ask for " + integration.get().label() + " again in the chat.");
            }
            if (error != null) {
                LOG.infof("user %s did not connect %s: the provider answered %s", request.userId, name, error);
                return page(Response.Status.OK, integration.get().label() + " not connected",
                        "You did not connect " + integration.get().label() + ". Go back to the chat to carry on.");
            }
            if (code == null || code.isBlank()) {
                return page(Response.Status.BAD_REQUEST, "Not a sign-in answer", "The provider's answer carries no code.");
            }
            return oauth.exchange(integration.get(), code, request.codeVerifier, catalog.redirectUri(integration.get()))
                    .chain(grant -> connections.connect(request.userId, integration.get(), grant))
                    .chain(() -> Uni.createFrom().completionStage(() -> publisher.publish(Topics.INBOUND, InboundConnected.of(
                            EventMeta.derived(request.sessionId, TraceContext.NONE, "connected/" + request.ticket),
                            request.userId, name))))
                    .map(ignored -> {
                        LOG.infof("user %s connected %s (session %s)", request.userId, name, request.sessionId);
                        return connected(integration.get(), request);
                    })
                    .onFailure(OAuthException.class).recoverWithItem(f -> {
                        LOG.warnf("user %s could not connect %s: %s", request.userId, name, f.getMessage());
                        return html(Response.Status.BAD_GATEWAY, integration.get().label() + " refused",
                                integration.get().label() + " did not grant access (" + ((OAuthException) f).error()
                                        + "). Ask again in the chat to retry.");
                    });
        });
    }

    /** A web chat user goes back to the chat, which resumes the session; a user of another channel is told to go back. */
    private Response connected(Integration integration, ConnectRequest request) {
        NewCookie spent = bindingCookie(integration.name(), "", 0);
        if ("web".equals(request.channel)) {
            return Response.seeOther(URI.create(catalog.publicUrl() + "/")).cookie(spent).build();
        }
        return Response.fromResponse(html(Response.Status.OK, integration.label() + " connected",
                "You can close this page and go back to your conversation.")).cookie(spent).build();
    }

    /** Scoped to the callback's path, readable by no script, sent back on the provider's top-level redirect (Lax). */
    private NewCookie bindingCookie(String name, String value, int maxAge) {
        return new NewCookie.Builder(COOKIE).value(value).path("/integrations/" + name + "/callback").maxAge(maxAge).httpOnly(true)
                .secure("https".equals(catalog.publicUrl().getScheme())).sameSite(NewCookie.SameSite.LAX).build();
    }

    private static Uni<Response> page(Response.Status status, String title, String text) {
        return Uni.createFrom().item(html(status, title, text));
    }

    private static Response html(Response.Status status, String title, String text) {
        String body = "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title></head><body><h1>"
                + escape(title) + "</h1><p>" + escape(text) + "</p></body></html>";
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("utf-8")).entity(body).build();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
