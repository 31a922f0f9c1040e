package dev.capsule.gateway.delivery;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@code capsule_gateway_first_reply_seconds}, a histogram: from a message this replica accepted (about to be
 * published) to the first event of its turn this replica delivers, whatever the transport (the JSON answer, server-sent
 * events, a chat socket). What a user waits for, as the gateway sees it. A message whose first event reaches another
 * replica, or none within five minutes, is not counted.
 */
@ApplicationScoped
public class FirstReplies {

    /** Accepted messages by id, with when: bounded, so that unanswered ones cannot pile up. */
    private final Cache<String, Long> waiting = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(Duration.ofMinutes(5)).build();
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
        waiting.put(messageId, System.nanoTime());
    }

    void delivered(OutboundFrame event) {
        Long since = waiting.asMap().remove(event.inReplyTo());
        if (since != null) {
            firstReply.record(System.nanoTime() - since, TimeUnit.NANOSECONDS);
        }
    }
}
