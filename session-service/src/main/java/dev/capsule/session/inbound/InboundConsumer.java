package dev.capsule.session.inbound;

import dev.capsule.events.EventCodec;
import dev.capsule.events.EventDecodingException;
import dev.capsule.events.CapsuleEvent;
import dev.capsule.events.InboundCancel;
import dev.capsule.events.InboundMessage;
import dev.capsule.events.ProactiveMessage;
import dev.capsule.session.lanes.SessionLanes;
import dev.capsule.session.state.StaleSessionException;
import dev.capsule.session.turn.TurnRunner;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Takes inbound messages off Kafka and hands each to its session's lane, without waiting for
 * the turn: the next record, maybe of another session, is taken at once. A record is
 * acknowledged when its turn is done; the connector's throttled commit strategy commits an
 * offset only when every record before it is acknowledged too, so a crash redelivers every
 * unfinished turn (and the session state's list of handled ids drops those that did finish).
 */
@ApplicationScoped
public class InboundConsumer {

    static final String CHANNEL = "inbound";
    private static final Logger LOG = Logger.getLogger(InboundConsumer.class);

    private final SessionLanes lanes;
    private final TurnRunner turns;
    private final int maxInFlight;
    private final DoubleTexting doubleTexting;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ConcurrentHashMap<String, PendingBatch> batches = new ConcurrentHashMap<>();

    InboundConsumer(SessionLanes lanes, TurnRunner turns,
                    @ConfigProperty(name = "capsule.session.max-turns-in-flight", defaultValue = "2000") int maxInFlight,
                    @ConfigProperty(name = "capsule.session.double-texting", defaultValue = "queue") String doubleTexting) {
        this.lanes = lanes;
        this.turns = turns;
        this.maxInFlight = maxInFlight;
        this.doubleTexting = policy(doubleTexting);
    }

    @Incoming(CHANNEL)
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public CompletionStage<Void> onRecord(Message<byte[]> record) {
        InboundMessage inbound;
        try {
            CapsuleEvent event = EventCodec.decode(record.getPayload());
            if (event instanceof ProactiveMessage proactive) {
                return onProactive(record, proactive);
            }
            if (event instanceof InboundCancel cancel) {
                // Not on the lane: it must reach the turn running there now, not wait behind it.
                turns.cancel(cancel);
                return record.ack();
            }
            if (!(event instanceof InboundMessage message)) {
                throw new EventDecodingException("expected an InboundMessage event but got '" + event.type() + "'");
            }
            inbound = message;
        } catch (EventDecodingException e) {
            // Nothing to run: the gateway validates what it publishes, so this is another producer's bad record.
            LOG.errorf("dropping an unreadable inbound record at %s: %s", where(record), e.getMessage());
            return record.ack();
        }
        inFlight.incrementAndGet();
        CompletableFuture<Void> turn = schedule(inbound).whenComplete((ignored, failure) -> {
            inFlight.decrementAndGet();
            if (failure == null) {
                record.ack();
            } else {
                LOG.errorf(failure, "session %s: turn of message %s could not complete; it will be redelivered",
                        inbound.sessionId(), inbound.eventId());
                record.nack(failure);
            }
        });
        // Back-pressure: past the limit, take the next record only when this turn is done.
        return inFlight.get() > maxInFlight ? turn.exceptionally(e -> null) : CompletableFuture.completedFuture(null);
    }

    /** A proactive message waits its turn on the session's lane, whatever the double-texting policy, and is acked the same way. */
    private CompletionStage<Void> onProactive(Message<byte[]> record, ProactiveMessage message) {
        inFlight.incrementAndGet();
        lanes.submit(message.sessionId(), () -> untilDone(message.sessionId(), message.eventId(), () -> turns.deliver(message)))
                .whenComplete((ignored, failure) -> {
                    inFlight.decrementAndGet();
                    if (failure == null) {
                        record.ack();
                    } else {
                        record.nack(failure);
                    }
                });
        return CompletableFuture.completedFuture(null);
    }

    private static DoubleTexting policy(String name) {
        try {
            return DoubleTexting.valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("capsule.session.double-texting=" + name
                    + " is not a policy: use queue, interrupt or coalesce", e);
        }
    }

    /** Puts the message on its session's lane as the double-texting policy says; completes when it was answered. */
    private CompletableFuture<Void> schedule(InboundMessage inbound) {
        String sessionId = inbound.sessionId();
        return switch (doubleTexting) {
            case QUEUE -> lanes.submit(sessionId, () -> runUntilDone(List.of(inbound)));
            case INTERRUPT -> {
                turns.interrupt(sessionId);
                yield lanes.submit(sessionId, () -> runUntilDone(List.of(inbound)));
            }
            case COALESCE -> coalesce(inbound);
        };
    }

    private CompletableFuture<Void> coalesce(InboundMessage inbound) {
        String sessionId = inbound.sessionId();
        while (true) {
            PendingBatch waiting = batches.get(sessionId);
            if (waiting != null && waiting.tryAdd(inbound)) {
                return waiting.answered;
            }
            PendingBatch batch = new PendingBatch(inbound);
            if (waiting == null ? batches.putIfAbsent(sessionId, batch) == null : batches.replace(sessionId, waiting, batch)) {
                lanes.submit(sessionId, () -> {
                    batches.remove(sessionId, batch);
                    return runUntilDone(batch.start());
                }).whenComplete((ok, failure) -> {
                    if (failure == null) {
                        batch.answered.complete(null);
                    } else {
                        batch.answered.completeExceptionally(failure);
                    }
                });
                return batch.answered;
            }
        }
    }

    /**
     * Runs the turn, and runs it again after a failure of Redis, PostgreSQL or Kafka (the
     * handler's own failures end the turn inside it), backing off up to 5 s: only this
     * session waits, and its record stays uncommitted until the turn is done. A session another
     * instance has taken over (a rebalance) is left to that instance.
     */
    private Void runUntilDone(List<InboundMessage> batch) {
        InboundMessage last = batch.get(batch.size() - 1);
        return untilDone(last.sessionId(), last.eventId(), () -> turns.run(batch));
    }

    private Void untilDone(String sessionId, String eventId, Runnable turn) {
        long backoff = 100;
        for (int attempt = 1; ; attempt++) {
            try {
                turn.run();
                return null;
            } catch (StaleSessionException e) {
                LOG.warnf("session %s: %s", sessionId, e.getMessage());
                return null;
            } catch (RuntimeException e) {
                LOG.warnf(e, "session %s: turn of message %s failed (attempt %d); running it again in %d ms",
                        sessionId, eventId, attempt, backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                backoff = Math.min(backoff * 2, 5000);
            }
        }
    }

    private static String where(Message<byte[]> record) {
        return record.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(m -> m.getTopic() + "-" + m.getPartition() + "@" + m.getOffset()).orElse("?");
    }
}
