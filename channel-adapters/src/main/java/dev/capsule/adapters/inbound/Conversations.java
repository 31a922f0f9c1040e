package dev.capsule.adapters.inbound;

import dev.capsule.adapters.config.BoundChannel;
import dev.capsule.adapters.outbound.Target;
import dev.capsule.events.SessionIds;
import dev.capsule.events.UserRef;

/**
 * How provider conversations and users become Capsule sessions and users, the same for every
 * provider, so that session state, history and owner-scoped collections work as on web chat.
 *
 * <ul>
 *   <li>A provider user is the Capsule user {@code <type>:<channel>:<provider user id>}, also
 *       their {@code ownerId}: stable for as long as the channel keeps its name, and never the
 *       same as a web user's or another channel's user (a bot's users are its own).</li>
 *   <li>A one-to-one conversation (Telegram private chat, Slack DM, WhatsApp number) is the
 *       session {@code <type>:<channel>:<chat>}; a Slack thread adds {@code :<thread_ts>}.</li>
 *   <li>A conversation several users share (Telegram group, Slack channel thread) is one
 *       session per user in it, {@code …:u.<user>}, because a session belongs to one user.</li>
 * </ul>
 * Ids use only letters, digits and {@code . _ : -}, at most 128 characters, like the gateway's.
 */
public final class Conversations {

    private static final String USER_MARK = "u.";

    private Conversations() {
    }

    /** The Capsule user of provider user {@code providerUserId} on {@code channel}. */
    public static UserRef user(BoundChannel channel, String providerUserId) {
        String id = channel.scopedId(clean(providerUserId));
        return new UserRef(id, null, id);
    }

    /** The session of {@code target}'s conversation for {@code providerUserId}; {@code shared} when others write there too. */
    public static String sessionId(BoundChannel channel, Target target, String providerUserId, boolean shared) {
        StringBuilder id = new StringBuilder(channel.idPrefix()).append(clean(target.chat()));
        if (target.thread() != null) {
            id.append(':').append(clean(target.thread()));
        }
        if (shared) {
            id.append(':').append(USER_MARK).append(clean(providerUserId));
        }
        if (id.length() > SessionIds.MAX_LENGTH) {
            throw new IllegalArgumentException("session id longer than " + SessionIds.MAX_LENGTH + " characters: " + id);
        }
        return id.toString();
    }

    /**
     * The target a session id names, for an event without a route (a proactive send): the
     * inverse of {@link #sessionId}, or null when the id is not one of {@code channel}'s.
     */
    public static Target targetOfSession(BoundChannel channel, String sessionId) {
        if (sessionId == null || !sessionId.startsWith(channel.idPrefix())) {
            return null;
        }
        String[] parts = sessionId.substring(channel.idPrefix().length()).split(":");
        if (parts.length == 0 || parts[0].isBlank()) {
            return null;
        }
        String thread = parts.length > 1 && !parts[1].startsWith(USER_MARK) ? parts[1] : null;
        return new Target(parts[0], thread, null);
    }

    private static String clean(String part) {
        if (!SessionIds.isPart(part)) {
            throw new IllegalArgumentException("not a usable id part: '" + part + "'");
        }
        return part;
    }
}
