package dev.capsule.gateway.auth;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKey;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Verifies each bearer token once, then remembers it until it expires: checking the RSA
 * signature was the gateway's costliest step per API request in the benchmark's profile, and a
 * client sends the same token with every message. A remembered token is served only while it
 * has not expired and for at most {@link #REMEMBER} after it was verified, so a key rotated
 * away is honoured within minutes; any token not remembered is verified in full.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class VerifiedTokens implements JWTParser {

    static final Duration REMEMBER = Duration.ofMinutes(5);
    private static final int MAX_REMEMBERED = 10_000;

    private record Verified(JsonWebToken token, long untilMillis) {
    }

    private final DefaultJWTParser verifier;
    private final ConcurrentHashMap<String, Verified> verified = new ConcurrentHashMap<>();

    VerifiedTokens(DefaultJWTParser verifier) {
        this.verifier = verifier;
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        long now = System.currentTimeMillis();
        Verified known = verified.get(token);
        if (known != null && now < known.untilMillis()) {
            return known.token();
        }
        JsonWebToken jwt = verifier.parse(token);
        // No exp claim (0): never remembered, verified every time.
        long until = Math.min(jwt.getExpirationTime() * 1000, now + REMEMBER.toMillis());
        if (until > now) {
            if (verified.size() >= MAX_REMEMBERED) {
                verified.clear(); // crude, but bounded: the next requests verify again
            }
            verified.put(token, new Verified(jwt, until));
        } else if (known != null) {
            verified.remove(token);
        }
        return jwt;
    }

    // The rest is not on the request path: verified as the default parser does, not remembered.

    @Override
    public JsonWebToken parse(String token, JWTAuthContextInfo context) throws ParseException {
        return verifier.parse(token, context);
    }

    @Override
    public JsonWebToken verify(String token, PublicKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, SecretKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, String secret) throws ParseException {
        return verifier.verify(token, secret);
    }

    @Override
    public JsonWebToken decrypt(String token, PrivateKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, SecretKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, String secret) throws ParseException {
        return verifier.decrypt(token, secret);
    }

    @Override
    public JsonWebToken parseOnly(String token) throws ParseException {
        return verifier.parseOnly(token);
    }
}
