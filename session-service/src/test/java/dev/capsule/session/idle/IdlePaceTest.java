package dev.capsule.session.idle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.capsule.session.config.SessionConfig;
import java.lang.reflect.Proxy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How many idle closes a sweep asks, by how late the oldest waiting session is. */
class IdlePaceTest {

    private static final Duration CATCH_UP = Duration.ofMinutes(1);

    @Test
    void onTimeASweepAsksThePace() {
        assertEquals(100, IdleReaper.budget(100, Duration.ZERO, CATCH_UP));
        assertEquals(100, IdleReaper.budget(100, Duration.ofSeconds(-5), CATCH_UP), "a clock a little behind is on time");
    }

    @Test
    void thePaceRisesByItselfForEachCatchUpOfLateness() {
        assertEquals(150, IdleReaper.budget(100, Duration.ofSeconds(30), CATCH_UP));
        assertEquals(200, IdleReaper.budget(100, CATCH_UP, CATCH_UP));
        assertEquals(300, IdleReaper.budget(100, CATCH_UP.multipliedBy(2), CATCH_UP));
    }

    @Test
    void noSweepAsksMoreThanItLists() {
        assertEquals(1000, IdleReaper.budget(100, Duration.ofHours(5), CATCH_UP));
        assertEquals(1000, IdleReaper.budget(1000, Duration.ZERO, CATCH_UP));
    }

    @Test
    void aPaceBelowOneOrNoCatchUpStopsTheStartWithTheSettingNamed() {
        IllegalArgumentException pace = assertThrows(IllegalArgumentException.class,
                () -> new IdleReaper(config(0, CATCH_UP), null, null, null));
        assertEquals("capsule.session.idle-closes-per-second must be 1 or more, not 0", pace.getMessage());
        IllegalArgumentException catchUp = assertThrows(IllegalArgumentException.class,
                () -> new IdleReaper(config(100, Duration.ZERO), null, null, null));
        assertEquals("capsule.session.idle-close-catch-up must be longer than zero, not PT0S", catchUp.getMessage());
    }

    /** The settings the reaper reads at its start; any other is not asked for. */
    private static SessionConfig config(int perSecond, Duration catchUp) {
        return (SessionConfig) Proxy.newProxyInstance(SessionConfig.class.getClassLoader(), new Class<?>[] {SessionConfig.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "idleClosesPerSecond" -> perSecond;
                    case "idleCloseCatchUp" -> catchUp;
                    case "idleCheckInterval" -> Duration.ofSeconds(1);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
