package dev.capsule.gateway.auth;

import dev.capsule.events.UserRef;
import dev.capsule.integrations.identity.IdentityConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Maps a verified token to the user events carry: the subject is the user; their owner scope is the claim
 * {@code capsule.identity.owner-claim} names (an organisation, so that a team shares collections), else the user.
 */
@ApplicationScoped
public class CurrentUser {

    private final Optional<String> ownerClaim;

    CurrentUser(IdentityConfig config) {
        this.ownerClaim = config.ownerClaim().filter(c -> !c.isBlank());
    }

    public UserRef of(JsonWebToken token) {
        String id = token.getSubject() != null ? token.getSubject() : token.getName();
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("the token names no user: it needs a 'sub' or 'upn' claim");
        }
        String email = token.getClaim("email");
        String owner = ownerClaim.map(c -> token.<Object>getClaim(c)).map(String::valueOf).filter(o -> !o.isBlank()).orElse(id);
        return new UserRef(id, email, owner);
    }
}
