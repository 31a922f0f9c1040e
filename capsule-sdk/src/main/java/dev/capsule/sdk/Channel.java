package dev.capsule.sdk;

import java.util.Objects;

/**
 * Where a conversation lives: the built-in {@link #WEB} chat, the synchronous {@link #API},
 * or a named channel resource bound by configuration (for example {@code support-telegram}).
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

    /** The channel resource bound under {@code name} in configuration ({@code capsule.channels.<name>.type}). */
    public static Channel named(String name) {
        return switch (name) {
            case "web" -> WEB;
            case "api" -> API;
            default -> new Channel(name);
        };
    }
}
