package dev.capsule.events;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The one rule for session ids: web ids have no ':', channel conversations are parts joined by ':'. */
class SessionIdsTest {

    @Test
    void aWebIdIsLettersDigitsDotsUnderscoresAndDashesUpTo128() {
        assertTrue(SessionIds.isWebId("3f2b6c1e-1d4a-4a8e-9b1f-0c2d3e4f5a6b"));
        assertTrue(SessionIds.isWebId("a".repeat(128)));
        assertFalse(SessionIds.isWebId("a".repeat(129)));
        assertFalse(SessionIds.isWebId("telegram:support:4242"), "a channel's shape");
        assertFalse(SessionIds.isWebId(""));
        assertFalse(SessionIds.isWebId("a b"));
        assertFalse(SessionIds.isWebId("a\u0000b"));
        assertFalse(SessionIds.isWebId(null));
    }

    @Test
    void aChannelConversationIsPartsJoinedByColonsAndEitherShapeIsCapsules() {
        assertTrue(SessionIds.isPart("4242"));
        assertFalse(SessionIds.isPart("a".repeat(65)));
        assertFalse(SessionIds.isPart("a:b"));
        assertTrue(SessionIds.isCapsuleId("telegram:support:4242:u-17"));
        assertTrue(SessionIds.isCapsuleId("3f2b6c1e-1d4a"));
        assertFalse(SessionIds.isCapsuleId("a/b"));
        assertFalse(SessionIds.isCapsuleId("x".repeat(129)));
        assertFalse(SessionIds.isCapsuleId(null));
    }
}
