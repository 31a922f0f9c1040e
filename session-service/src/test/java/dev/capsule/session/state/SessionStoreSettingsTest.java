package dev.capsule.session.state;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A session state that Redis would drop at once, or keep without end, is refused at start, naming the setting. */
class SessionStoreSettingsTest {

    @Test
    void aRedisLifetimeThatIsNotPositiveStopsTheServiceNamingTheSetting() {
        for (Duration bad : new Duration[] {Duration.ZERO, Duration.ofSeconds(-1)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new SessionStore(null, null, OwnedSessionsTest.config(bad)));
            assertTrue(e.getMessage().contains("capsule.session.state.redis-for"), e.getMessage());
        }
    }
}
