package dev.capsule.events;

import java.util.Objects;

/**
 * An authenticated user as events carry it.
 *
 * @param id      stable user id
 * @param email   email address when known, else null
 * @param ownerId scope of the user's owner-scoped collections
 */
public record UserRef(String id, String email, String ownerId) {

    public UserRef {
        Objects.requireNonNull(id, "user.id is required");
        Objects.requireNonNull(ownerId, "user.ownerId is required");
    }
}
