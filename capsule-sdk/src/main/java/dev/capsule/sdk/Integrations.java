package dev.capsule.sdk;

import java.util.List;
import java.util.Optional;

/**
 * The user's connected integrations: accounts at other services (GitHub, Google, Slack, ...) the user let this app
 * use through OAuth. The deployment declares which integrations exist ({@code capsule.integrations.<name>.*});
 * the user connects one by following the button {@link #require} shows, and the app hears of it in
 * {@link CapsuleApp#onConnected}, in order with the session's messages.
 *
 * <p>Connections belong to the user, not to the session: every session of the user sees them.
 */
public interface Integrations {

    /** The user's connections, each with a fresh access token. */
    List<Connection> list();

    /**
     * The user's connection to {@code name} with a fresh access token, or empty when the user has not connected it,
     * disconnected it, or its token expired and could not be refreshed.
     *
     * @throws IllegalArgumentException when the deployment configures no integration of that name
     */
    Optional<Connection> get(String name);

    /**
     * As {@link #get}; when the user has no connection, also shows them a prompt to connect ("Connect GitHub"): a
     * button in the web chat, a link on Telegram, Slack and WhatsApp, a {@code show} event over the API. The link
     * works once, for this user and session, for {@code capsule.oauth.connect-expiry} (ten minutes).
     */
    Optional<Connection> require(String name);

    /**
     * Forgets the user's connection to {@code name}, revoking its tokens at the provider when the provider offers
     * revocation.
     *
     * @return whether there was a connection
     */
    boolean disconnect(String name);
}
