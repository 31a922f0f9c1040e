package dev.capsule.session.idle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.capsule.session.config.SessionConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
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
                () -> new IdleReaper(config(Map.of("capsule.session.idle-closes-per-second", "0")), null, null, null));
        assertEquals("capsule.session.idle-closes-per-second must be 1 or more, not 0", pace.getMessage());
        IllegalArgumentException catchUp = assertThrows(IllegalArgumentException.class,
                () -> new IdleReaper(config(Map.of("capsule.session.idle-close-catch-up", "PT0S")), null, null, null));
        assertEquals("capsule.session.idle-close-catch-up must be longer than zero, not PT0S", catchUp.getMessage());
    }

    /** The session settings as Quarkus builds them (its defaults, expressions expanded) with {@code properties} over them. */
    private static SessionConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().addDefaultInterceptors().withMapping(SessionConfig.class)
                .withSources(new PropertiesConfigSource(properties, "test", 100)).build().getConfigMapping(SessionConfig.class);
    }
}
