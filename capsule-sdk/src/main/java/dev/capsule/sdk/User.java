package dev.capsule.sdk;

import java.util.Optional;

/**
 * The authenticated user of a session.
 *
 * @param id      stable user id, from the channel's authentication
 * @param email   email address, or null when the channel does not know it
 * @param ownerId the scope of the user's owner-scoped collections
 */
public record User(String id, String email, String ownerId) {

    /** The email address when the channel knows it. */
    public Optional<String> emailIfKnown() {
        return Optional.ofNullable(email);
    }
}
