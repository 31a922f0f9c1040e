package dev.capsule.integrations.crypto;

import dev.capsule.integrations.config.OAuthConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals tokens for storage with AES-256-GCM: a random 12-byte nonce, then the ciphertext and its tag. The
 * row a token belongs to (user, integration, which token) is the associated data, so a sealed token copied
 * into another row does not open. Each sealed token keeps its key's id, which lets keys rotate.
 */
@ApplicationScoped
public class TokenCipher {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecureRandom random = new SecureRandom();
    private final String currentId;
    private final Map<String, SecretKey> keys = new HashMap<>();

    @Inject
    TokenCipher(OAuthConfig config) {
        this(config.tokenKeyId(), config.tokenKey().orElse(null), config.previousTokenKeys());
    }

    /** For tests: {@code current} and {@code previous} are base64 keys of 32 bytes; a null current seals nothing. */
    public TokenCipher(String currentId, String current, Map<String, String> previous) {
        this.currentId = currentId;
        previous.forEach((id, key) -> keys.put(id, key(key)));
        if (current != null) {
            keys.put(currentId, key(current));
        }
    }

    /** A token as stored: the id of the key that sealed it and the sealed bytes. */
    public record Sealed(String keyId, byte[] bytes) {
    }

    /** Seals {@code token} for the row {@code context} names. */
    public Sealed seal(String token, String context) {
        SecretKey key = keys.get(currentId);
        if (key == null) {
            throw new IllegalStateException("no key to seal tokens with: set capsule.oauth.token-key");
        }
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(token.getBytes(StandardCharsets.UTF_8));
            return new Sealed(currentId, ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available to seal a token", e);
        }
    }

    /**
     * Opens a token sealed for {@code context}.
     *
     * @throws IllegalStateException when its key is unknown (removed from {@code previous-token-keys}) or it does not
     *                               open (another row's token, or tampered with)
     */
    public String open(String keyId, byte[] sealed, String context) {
        SecretKey key = keys.get(keyId);
        if (key == null) {
            throw new IllegalStateException("a token was sealed with key '" + keyId + "', which is neither capsule.oauth.token-key-id"
                    + " nor in capsule.oauth.previous-token-keys: put that key back, or let the user connect again");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a stored token of " + context + " does not open with key '" + keyId
                    + "': it was altered or belongs to another row", e);
        }
    }

    /** Whether {@code keyId} is the key tokens are sealed with now. */
    public boolean isCurrent(String keyId) {
        return currentId.equals(keyId);
    }

    private static SecretKey key(String base64) {
        return new SecretKeySpec(Base64.getDecoder().decode(base64.trim()), "AES");
    }
}
