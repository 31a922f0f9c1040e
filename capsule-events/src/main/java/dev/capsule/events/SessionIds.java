package dev.capsule.events;

import java.util.regex.Pattern;

/**
 * The shapes of the session ids Capsule makes, in one place: the gateway accepts web and API ids
 * of the first shape, channel-adapters builds the named channels' conversation ids of the second,
 * and persistence-service refuses to fold any other.
 * <ul>
 *   <li>web and API: 1 to 128 letters, digits, {@code .}, {@code _} or {@code -}; never a {@code :},
 *       so that a web user cannot claim the id of a channel's conversation first;</li>
 *   <li>a named channel's conversation: parts of that alphabet (1 to 64 characters each) joined by
 *       {@code :}, for example {@code telegram:support:4242}, 128 characters at most.</li>
 * </ul>
 */
public final class SessionIds {

    /** The longest session id of either shape. */
    public static final int MAX_LENGTH = 128;

    private static final Pattern WEB = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_LENGTH + "}");
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern ANY = Pattern.compile("[A-Za-z0-9._:-]{1," + MAX_LENGTH + "}");

    private SessionIds() {
    }

    /** Whether {@code id} is a web or API session id. */
    public static boolean isWebId(String id) {
        return id != null && WEB.matcher(id).matches();
    }

    /** Whether {@code part} may be one part of a channel conversation's id (a chat, a thread, a user). */
    public static boolean isPart(String part) {
        return part != null && PART.matcher(part).matches();
    }

    /** Whether {@code id} is of a shape Capsule makes: a web or API id, or a channel conversation's. */
    public static boolean isCapsuleId(String id) {
        return id != null && ANY.matcher(id).matches();
    }
}
