package dev.capsule.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

/** A token is verified once and remembered only while it is valid; a refused one is never remembered. */
class VerifiedTokensTest {

    /** Stands in for the signature check: counts how often a token is really verified. */
    static final class CountingVerifier extends DefaultJWTParser {
        final Map<String, Integer> verifications = new HashMap<>();
        final Map<String, Long> expiries = new HashMap<>();

        @Override
        public JsonWebToken parse(String token) throws ParseException {
            verifications.merge(token, 1, Integer::sum);
            if (!expiries.containsKey(token)) {
                throw new ParseException("bad signature");
            }
            return tokenExpiringAt(token, expiries.get(token));
        }
    }

    private final CountingVerifier verifier = new CountingVerifier();
    private final VerifiedTokens tokens = new VerifiedTokens(verifier);
    private final long now = System.currentTimeMillis() / 1000;

    @Test
    void aValidTokenIsVerifiedOnceAndServedFromMemoryAfter() throws Exception {
        verifier.expiries.put("good", now + 3600);
        JsonWebToken first = tokens.parse("good");
        assertSame(first, tokens.parse("good"));
        assertSame(first, tokens.parse("good"));
        assertEquals(1, verifier.verifications.get("good"));
    }

    @Test
    void anExpiredTokenOrOneWithoutExpiryIsVerifiedEveryTime() throws Exception {
        verifier.expiries.put("expired", now - 1);
        verifier.expiries.put("no-exp", 0L);
        for (int i = 0; i < 3; i++) {
            tokens.parse("expired");
            tokens.parse("no-exp");
        }
        assertEquals(3, verifier.verifications.get("expired"), "the verifier decides about an expired token, every time");
        assertEquals(3, verifier.verifications.get("no-exp"));
    }

    @Test
    void aRefusedTokenIsRefusedEveryTimeAndNeverRemembered() {
        assertThrows(ParseException.class, () -> tokens.parse("forged"));
        assertThrows(ParseException.class, () -> tokens.parse("forged"));
        assertEquals(2, verifier.verifications.get("forged"));
    }

    private static JsonWebToken tokenExpiringAt(String raw, long exp) {
        return new JsonWebToken() {
            @Override
            public String getName() {
                return "u1";
            }

            @Override
            public Set<String> getClaimNames() {
                return Set.of("exp", "raw_token");
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> T getClaim(String name) {
                return (T) switch (name) {
                    case "exp" -> (Object) exp;
                    case "raw_token" -> raw;
                    default -> null;
                };
            }
        };
    }
}
