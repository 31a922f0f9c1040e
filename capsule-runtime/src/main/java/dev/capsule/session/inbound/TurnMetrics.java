package dev.capsule.session.inbound;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * What session-service tells Prometheus about its turns (at {@code /q/metrics}):
 * <ul>
 *   <li>{@code capsule_turn_duration_seconds}, a histogram by {@code outcome}: from the message taken off Kafka to its
 *       turn done (events acknowledged, state saved), tries again included; {@code ok}, {@code given_up} (its tries
 *       spent, answered with {@code turn.failed} and dead-lettered) or {@code moved} (another replica took the
 *       session's partition);</li>
 *   <li>{@code capsule_turns_in_flight}: taken off Kafka and not done, which {@code capsule.session.max-turns-in-flight}
 *       bounds;</li>
 *   <li>{@code capsule_turns_queued}: the queue depth, turns waiting behind the turn their session runs now (per-session
 *       order); {@code capsule.session.max-queued-per-session} bounds each session's share;</li>
 *   <li>{@code capsule_messages_refused_total} by {@code reason}: {@code session_busy}, a message answered as busy
 *       because its session's queue was full;</li>
 *   <li>{@code capsule_turn_retries_total}: tries again after a failure (an outage of Kafka, Redis or PostgreSQL, or
 *       the turn's own);</li>
 *   <li>{@code capsule_dead_letters_total}: messages set aside on {@code capsule.deadletter}.</li>
 * </ul>
 */
@ApplicationScoped
public class TurnMetrics {

    private final MeterRegistry registry;
    private final Timer ok;
    private final Timer givenUp;
    private final Timer moved;
    private final Counter retries;
    private final Counter deadLetters;
    private final Counter refusedBusy;

    TurnMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.ok = turns("ok");
        this.givenUp = turns("given_up");
        this.moved = turns("moved");
        this.retries = Counter.builder("capsule.turn.retries").description("Turns tried again after a failure").register(registry);
        this.deadLetters = Counter.builder("capsule.dead.letters").description("Messages set aside on capsule.deadletter")
                .register(registry);
        this.refusedBusy = Counter.builder("capsule.messages.refused").tag("reason", "session_busy")
                .description("Messages answered as busy: their session's queue was full").register(registry);
    }

    private Timer turns(String outcome) {
        return Timer.builder("capsule.turn.duration")
                .description("From a message taken off Kafka to its turn done: events acknowledged and state saved")
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry);
    }

    /** Publishes how many turns are in flight, as {@code inFlight} counts them. */
    void inFlight(AtomicInteger inFlight) {
        registry.gauge("capsule.turns.in.flight", inFlight);
    }

    /** Publishes the queue depth, as {@code queued} reads it. */
    void queued(IntSupplier queued) {
        Gauge.builder("capsule.turns.queued", queued::getAsInt)
                .description("Turns waiting behind the turn their session runs now").register(registry);
    }

    void refusedBusy() {
        refusedBusy.increment();
    }

    void ended(long startNanos, Outcome outcome) {
        Timer timer = switch (outcome) {
            case OK -> ok;
            case GIVEN_UP -> givenUp;
            case MOVED -> moved;
        };
        timer.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    void retried() {
        retries.increment();
    }

    void deadLettered() {
        deadLetters.increment();
    }

    enum Outcome { OK, GIVEN_UP, MOVED }
}
