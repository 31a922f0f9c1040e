package dev.capsule.session.app;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;
import java.util.Optional;

/**
 * Which app this service runs ({@code capsule.app}; the environment's {@code CAPSULE_APP} overrides). The
 * mapping's prefix is the setting itself: a mapping of all of {@code capsule.*} would refuse every other
 * {@code capsule.} property it does not hold.
 */
@ConfigMapping(prefix = "capsule.app")
public interface AppConfig {

    /**
     * The class of the app to run (its full name, or the part after a dot), when the class path holds several
     * {@code CapsuleApp} or {@code ReactiveCapsuleApp} beans; unset, the one there is.
     */
    @WithParentName
    Optional<String> name();
}
