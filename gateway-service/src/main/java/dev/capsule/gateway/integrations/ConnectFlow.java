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
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
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

    /**
     * The page a connect link opens: it names the user the connection will belong to and asks for a click, so that no
     * provider is asked anything, and none that approved the app before answers silently, for someone who merely
     * followed another user's link. A web chat user never sees it: the chat's button posts the ticket with their token.
     */
    @GET
    @Path("/connect")
    public Uni<Response> confirm(@PathParam("name") String name, @QueryParam("ticket") String ticket) {
        Optional<Integration> integration = catalog.find(name);
        if (integration.isEmpty()) {
            return page(Response.Status.NOT_FOUND, "No such integration", "This deployment offers no integration named " + name + ".");
        }
        if (ticket == null || ticket.isBlank()) {
            return page(Response.Status.BAD_REQUEST, "Not a connect link", "The link has no ticket. Ask for it again in the chat.");
        }
        String label = integration.get().label();
        return store.waiting(ticket).map(waiting -> {
            if (waiting.isEmpty() || !waiting.get().integration.equals(name)) {
                return expired(integration.get());
            }
            ConnectRequest request = waiting.get();
            if (signedInChannel(request.channel)) {
                return html(Response.Status.OK, "Connect " + label + " from the chat",
                        "Press the Connect " + label + " button in the chat itself: it proves who you are. Over the API, POST the ticket"
                                + " here (form field ticket) with your token and Accept: application/json.", null);
            }
            return html(Response.Status.OK, "Connect " + label + " to " + request.userId + "?",
                    "This lets the app use your " + label + " account for " + request.userId + ", the conversation that asked. "
                            + "If you did not ask for this there, close this page.",
                    "<form method=\"post\" action=\"/integrations/" + escape(name) + "/connect\"><input type=\"hidden\" name=\"ticket\" value=\""
                            + escape(ticket) + "\"><button id=\"continue\" type=\"submit\">Continue to " + escape(label) + "</button></form>");
        });
    }

    /**
     * Starts the flow, once: state, PKCE, the browser binding, then the provider's consent. The ticket's user must be the
     * signed-in one where the session's channel signs users in (web chat, API), and may not be another signed-in user
     * anywhere. A post from another site's page is refused, so that no page can start a flow in a visitor's browser.
     * The chat's button asks for JSON ({@code {"location": …}}); the confirmation page's form gets the redirect.
     */
    @POST
    @Path("/connect")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> connect(@PathParam("name") String name, @FormParam("ticket") String ticket, @HeaderParam("Origin") String origin,
                                 @HeaderParam("Host") String host, @HeaderParam("Sec-Fetch-Site") String fetchSite,
                                 @HeaderParam("Accept") String accept) {
        Optional<Integration> integration = catalog.find(name);
        if (integration.isEmpty()) {
            return page(Response.Status.NOT_FOUND, "No such integration", "This deployment offers no integration named " + name + ".");
        }
        if (ticket == null || ticket.isBlank()) {
            return page(Response.Status.BAD_REQUEST, "Not a connect link", "The link has no ticket. Ask for it again in the chat.");
        }
        if (crossSite(origin, host, fetchSite)) {
            LOG.warnf("a %s connect posted from another site (Origin %s): refused", name, origin);
            return page(Response.Status.FORBIDDEN, "Not from here", "Connect from the link the chat gave you.");
        }
        String binding = Pkce.random(24);
        String state = Pkce.random(24);
        String verifier = Pkce.verifier();
        return store.start(ticket, state, verifier, Pkce.hash(binding)).map(started -> {
            if (started.isEmpty() || !started.get().integration.equals(name)) {
                return expired(integration.get());
            }
            ConnectRequest request = started.get();
            String signedIn = identity.isAnonymous() ? null : identity.getPrincipal().getName();
            if (signedIn != null ? !signedIn.equals(request.userId) : signedInChannel(request.channel)) {
                LOG.warnf("connect link of user %s for %s used by %s: refused", request.userId, name,
                        signedIn == null ? "a browser without the user's token" : "signed-in user " + signedIn);
                return html(Response.Status.FORBIDDEN, "Not your link", "This connect link was made for another user.", null);
            }
            LOG.infof("user %s (session %s) is connecting %s", request.userId, request.sessionId, name);
            String consent = oauth.authorizeUrl(integration.get(), catalog.redirectUri(integration.get()), state, Pkce.challenge(verifier));
            NewCookie cookie = bindingCookie(name, binding, (int) expiry.toSeconds());
            if (accept != null && accept.contains(MediaType.APPLICATION_JSON)) {
                return Response.ok(Map.of("location", consent), MediaType.APPLICATION_JSON_TYPE).cookie(cookie).build();
            }
            return Response.seeOther(URI.create(consent)).cookie(cookie).build();
        });
    }

    /** The web chat and the API sign their users in: their tickets need the user's token. */
    private static boolean signedInChannel(String channel) {
        return "web".equals(channel) || "api".equals(channel);
    }

    /**
     * A browser says where a post comes from; a client that is no browser says nothing, and is not a page of another
     * site. Ours is the public URL's host, or the host the browser reached this gateway by (localhost or 127.0.0.1).
     */
    private boolean crossSite(String origin, String host, String fetchSite) {
        if (origin != null && !"null".equals(origin)) {
            String from = URI.create(origin).getAuthority();
            return from == null || !(from.equalsIgnoreCase(catalog.publicUrl().getAuthority()) || from.equalsIgnoreCase(host));
        }
        return fetchSite != null && !fetchSite.equals("same-origin") && !fetchSite.equals("none");
    }

    private Response expired(Integration integration) {
        return html(Response.Status.GONE, "This link has expired", "Connect links work once, for " + expiry.toMinutes()
                + " minutes. Ask for " + integration.label() + " again in the chat.", null);
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
                                        + "). Ask again in the chat to retry.", null);
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
                "You can close this page and go back to your conversation.", null)).cookie(spent).build();
    }

    /** Scoped to the callback's path, readable by no script, sent back on the provider's top-level redirect (Lax). */
    private NewCookie bindingCookie(String name, String value, int maxAge) {
        return new NewCookie.Builder(COOKIE).value(value).path("/integrations/" + name + "/callback").maxAge(maxAge).httpOnly(true)
                .secure("https".equals(catalog.publicUrl().getScheme())).sameSite(NewCookie.SameSite.LAX).build();
    }

    private static Uni<Response> page(Response.Status status, String title, String text) {
        return Uni.createFrom().item(html(status, title, text, null));
    }

    /** A small page; {@code form} is trusted markup (its values escaped by the caller), or null. */
    private static Response html(Response.Status status, String title, String text, String form) {
        String body = "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title></head><body><h1>"
                + escape(title) + "</h1><p>" + escape(text) + "</p>" + (form == null ? "" : form) + "</body></html>";
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("utf-8")).entity(body).build();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
