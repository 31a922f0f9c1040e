package dev.capsule.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capsule.integrations.identity.IdentityConfig;
import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipal;
import java.time.Duration;
import java.util.Optional;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

/** The owner scope comes from the configured claim (a team's), and is the user where there is none. */
class CurrentUserTest {

    @Test
    void theOwnerIsTheConfiguredClaimWhenTheTokenHasItElseTheUser() {
        CurrentUser byOrg = new CurrentUser(config(Optional.of("org_id")));
        assertEquals("acme", byOrg.of(token("alice", "acme")).ownerId());
        assertEquals("alice", byOrg.of(token("alice", "acme")).id());
        assertEquals("bob", byOrg.of(token("bob", null)).ownerId(), "a token without the claim scopes to its user");
        assertEquals("alice", new CurrentUser(config(Optional.empty())).of(token("alice", "acme")).ownerId(), "no claim configured");
    }

    private static DefaultJWTCallerPrincipal token(String subject, String org) {
        JwtClaims claims = new JwtClaims();
        claims.setSubject(subject);
        if (org != null) {
            claims.setClaim("org_id", org);
        }
        return new DefaultJWTCallerPrincipal(claims);
    }

    private static IdentityConfig config(Optional<String> ownerClaim) {
        return new IdentityConfig() {
            @Override
            public Optional<String> ownerClaim() {
                return ownerClaim;
            }

            @Override
            public String linkCommand() {
                return "/link";
            }

            @Override
            public Duration linkCodeExpiry() {
                return Duration.ofMinutes(10);
            }
        };
    }
}
