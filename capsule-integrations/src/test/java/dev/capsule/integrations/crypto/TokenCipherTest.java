package dev.capsule.integrations.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tokens sealed at rest: they open for their own row only, across a key rotation, never twice alike. */
class TokenCipherTest {

    private static final String ACCESS = "ana\ngithub\naccess";

    private static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    @Test
    void aSealedTokenOpensForItsOwnContext() {
        TokenCipher cipher = new TokenCipher("k1", newKey(), Map.of());
        TokenCipher.Sealed sealed = cipher.seal("gho_secret", ACCESS);

        assertEquals("k1", sealed.keyId());
        assertFalse(new String(sealed.bytes(), StandardCharsets.ISO_8859_1).contains("gho_secret"));
        assertEquals("gho_secret", cipher.open(sealed.keyId(), sealed.bytes(), ACCESS));
    }

    @Test
    void aTokenCopiedIntoAnotherRowOrColumnDoesNotOpen() {
        TokenCipher cipher = new TokenCipher("k1", newKey(), Map.of());
        TokenCipher.Sealed sealed = cipher.seal("gho_secret", ACCESS);

        for (String other : new String[] {"bob\ngithub\naccess", "ana\ngoogle\naccess", "ana\ngithub\nrefresh"}) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> cipher.open("k1", sealed.bytes(), other));
            assertFalse(e.getMessage().contains("gho_secret"), e.getMessage());
        }
    }

    @Test
    void aTamperedTokenDoesNotOpen() {
        TokenCipher cipher = new TokenCipher("k1", newKey(), Map.of());
        byte[] sealed = cipher.seal("gho_secret", ACCESS).bytes();
        sealed[sealed.length - 1] ^= 1;

        assertThrows(IllegalStateException.class, () -> cipher.open("k1", sealed, ACCESS));
    }

    @Test
    void afterARotationTheOldKeyOpensWhatItSealedAndTheNewOneSeals() {
        String k1 = newKey();
        TokenCipher.Sealed old = new TokenCipher("k1", k1, Map.of()).seal("gho_old", ACCESS);

        TokenCipher rotated = new TokenCipher("k2", newKey(), Map.of("k1", k1));

        assertEquals("gho_old", rotated.open("k1", old.bytes(), ACCESS));
        TokenCipher.Sealed fresh = rotated.seal("gho_new", ACCESS);
        assertEquals("k2", fresh.keyId());
        assertTrue(rotated.isCurrent("k2"));
        assertFalse(rotated.isCurrent("k1"));
        assertEquals("gho_new", rotated.open("k2", fresh.bytes(), ACCESS));
    }

    @Test
    void aTokenOfAKeyNoLongerConfiguredNamesWhereToPutItBack() {
        TokenCipher.Sealed old = new TokenCipher("k1", newKey(), Map.of()).seal("gho_old", ACCESS);
        TokenCipher withoutK1 = new TokenCipher("k2", newKey(), Map.of());

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> withoutK1.open("k1", old.bytes(), ACCESS));
        assertTrue(e.getMessage().contains("capsule.oauth.previous-token-keys"), e.getMessage());
        assertTrue(e.getMessage().contains("'k1'"), e.getMessage());
    }

    @Test
    void twoSealsOfOneTokenDifferBecauseEachHasItsOwnNonce() {
        TokenCipher cipher = new TokenCipher("k1", newKey(), Map.of());

        byte[] first = cipher.seal("gho_secret", ACCESS).bytes();
        byte[] second = cipher.seal("gho_secret", ACCESS).bytes();

        assertFalse(Arrays.equals(first, second));
        assertFalse(Arrays.equals(Arrays.copyOf(first, 12), Arrays.copyOf(second, 12)), "the nonces differ");
        assertEquals(cipher.open("k1", first, ACCESS), cipher.open("k1", second, ACCESS));
    }

    @Test
    void withoutACurrentKeyNothingIsSealed() {
        TokenCipher cipher = new TokenCipher("1", null, Map.of());

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> cipher.seal("gho_secret", ACCESS));
        assertTrue(e.getMessage().contains("capsule.oauth.token-key"), e.getMessage());
    }
}
