package dev.capsule.gateway.delivery;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code capsule_gateway_first_reply_seconds}, a histogram: from a message this replica accepted (about to be
 * published) to the first event of its turn this replica delivers, whatever the transport (the JSON answer, server-sent
 * events, a chat socket). What a user waits for, as the gateway sees it. A message whose first event reaches another
 * replica, or that Kafka did not take, is not counted.
 *
 * <p>A plain map, not a cache with expiry: a bounded Caffeine cache cost the gateway 3.5% of its CPU here, most of it
 * scheduling its upkeep on another thread. An entry leaves at its first event; what never gets one (its session's
 * events went to another replica) is bounded by clearing the map past {@link #MAX_WAITING}.
 */
@ApplicationScoped
public class FirstReplies {

    static final int MAX_WAITING = 100_000;

    /** Accepted messages by id, with when. */
    private final ConcurrentHashMap<String, Long> waiting = new ConcurrentHashMap<>();
    private final Timer firstReply;

    public FirstReplies(MeterRegistry registry) {
        this.firstReply = Timer.builder("capsule.gateway.first.reply")
                .description("From a message accepted to the first event of its turn delivered by this replica")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(1))
                .register(registry);
    }

    public void accepted(String messageId) {
        if (waiting.size() >= MAX_WAITING) {
            waiting.clear(); // crude, but bounded: those waiting now go uncounted
        }
        waiting.put(messageId, System.nanoTime());
    }

    /** Kafka did not take the message: it will have no turn. */
    public void refused(String messageId) {
        waiting.remove(messageId);
    }

    void delivered(OutboundFrame event) {
        Long since = waiting.remove(event.inReplyTo());
        if (since != null) {
            firstReply.record(System.nanoTime() - since, TimeUnit.NANOSECONDS);
        }
    }
}
