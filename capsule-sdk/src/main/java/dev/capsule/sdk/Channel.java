package dev.capsule.sdk;

import java.util.Objects;

/**
 * Where a conversation lives: the built-in {@link #WEB} chat, the synchronous {@link #API},
 * or a named channel resource bound by configuration (for example {@code support-telegram}).
 * A handler reads it from {@code session.channel()}; to reach a user there later, keep the
 * session's id and use {@code Session.sendTo}.
 *
 * @param name the channel's name
 */
public record Channel(String name) {

    /** The built-in web chat. */
    public static final Channel WEB = new Channel("web");

    /** The synchronous HTTP API. */
    public static final Channel API = new Channel("api");

    public Channel {
        Objects.requireNonNull(name, "a channel needs a name");
    }

    /**
     * Whether this is a named channel resource (Telegram, Slack, WhatsApp, bound by
     * configuration) rather than the built-in web chat or API. Messages to a named channel
     * go out through its provider, which may render blocks more plainly and cannot always
     * stream (see docs/channels).
     */
    public boolean isNamed() {
        return !equals(WEB) && !equals(API);
    }

        /** The channel resource bound under {@code name} in configuration ({@code capsule.channels.<name>.type}). */
    public static Channel named(String name) {
        return switch (name) {
            case "web" -> WEB;
            case "api" -> API;
            default -> new Channel(name);
        };
    }
}
