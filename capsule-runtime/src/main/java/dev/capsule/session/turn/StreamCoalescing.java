package dev.capsule.session.turn;

import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * How a streamed reply's chunks become events: the first at once, then at most one per stream per
 * window, holding what the app wrote meanwhile. A model writes tokens every few milliseconds; an
 * event each costs a Kafka record, a fetch by every consumer and a frame to the user, while a
 * reader sees no difference below some tens of milliseconds. The chunks sent still add up to the
 * stream's whole text, which its end carries too.
 */
@ApplicationScoped
public class StreamCoalescing {

    /** Settings of streamed replies. */
    @ConfigMapping(prefix = "capsule.session.streams")
    public interface Config {

        /** At most one chunk event per stream per this window (after the first, sent at once); 0 sends each write. */
        @WithDefault("PT0.05S")
        Duration coalesceWindow();
    }

    private final long windowNanos;
    // One thread for every stream's flushes: a flush is a few microseconds of work, handing events to the producer.
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("capsule-stream-flush").factory());

    StreamCoalescing(Config config) {
        if (config.coalesceWindow().isNegative()) {
            throw new IllegalArgumentException("capsule.session.streams.coalesce-window must be 0 or more, not "
                    + config.coalesceWindow());
        }
        this.windowNanos = config.coalesceWindow().toNanos();
    }

    long windowNanos() {
        return windowNanos;
    }

    ScheduledFuture<?> after(long delayNanos, Runnable flush) {
        return timer.schedule(flush, delayNanos, TimeUnit.NANOSECONDS);
    }

    void stop(@Observes ShutdownEvent ignored) {
        timer.shutdownNow();
    }
}
