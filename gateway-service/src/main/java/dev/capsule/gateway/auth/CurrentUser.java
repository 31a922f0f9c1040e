package dev.capsule.gateway.auth;

import dev.capsule.events.UserRef;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Maps a verified token to the user events carry: the subject is the user, and their owner scope. */
public final class CurrentUser {

    private CurrentUser() {
    }

    public static UserRef from(JsonWebToken token) {
        String id = token.getSubject() != null ? token.getSubject() : token.getName();
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("the token names no user: it needs a 'sub' or 'upn' claim");
        }
        String email = token.getClaim("email");
        return new UserRef(id, email, id);
    }
}
