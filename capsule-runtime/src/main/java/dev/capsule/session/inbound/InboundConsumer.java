package dev.capsule.session.inbound;

import dev.capsule.events.EventCodec;
import dev.capsule.events.EventDecodingException;
import dev.capsule.events.CapsuleEvent;
import dev.capsule.events.InboundCancel;
import dev.capsule.events.InboundClose;
import dev.capsule.events.InboundConnected;
import dev.capsule.events.InboundDue;
import dev.capsule.events.InboundLinked;
import dev.capsule.events.InboundMessage;
import dev.capsule.events.InboundPosition;
import dev.capsule.events.ProactiveMessage;
import dev.capsule.events.TraceContext;
import dev.capsule.kafka.DeadLetter;
import dev.capsule.kafka.EventPublisher;
import dev.capsule.kafka.LogContext;
import dev.capsule.session.lanes.SessionLanes;
import dev.capsule.session.state.SessionPrefetch;
import dev.capsule.session.state.StaleSessionException;
import dev.capsule.session.turn.TurnRunner;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import dev.capsule.session.config.SessionConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Takes inbound messages off Kafka a poll at a time and hands each to its session's lane,
 * without waiting for the turns: the next poll, maybe of other sessions, is taken at once.
 * A poll's batch is acknowledged when every turn in it is done; the connector's throttled commit
 * strategy commits a batch's offsets only when every batch before it is acknowledged too, so a
 * crash redelivers every unfinished turn (and the session state's list of handled ids drops
 * those that did finish). A partition whose turns found it gone (a rebalance moved it) is not
 * acknowledged at all: the replica that holds it now reads those records again. SmallRye's batch
 * consumption rather than one record at a time: the connector then hands over and tracks one
 * message per poll instead of one per record.
 */
@ApplicationScoped
public class InboundConsumer {

    static final String CHANNEL = "inbound";
    private static final Logger LOG = Logger.getLogger(InboundConsumer.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final SessionLanes lanes;
    private final SessionPrefetch prefetch;
    private final TurnRunner turns;
    private final int maxInFlight;
    private final DoubleTexting doubleTexting;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ConcurrentHashMap<String, PendingBatch> batches = new ConcurrentHashMap<>();
    /** The records of the events being worked on, by event id: a turn given up dead-letters its message's. */
    private final ConcurrentHashMap<String, ConsumerRecord<String, byte[]>> records = new ConcurrentHashMap<>();
    private final EventPublisher publisher;
    private final int attempts;
    private final int maxQueued;
    /** Sessions whose messages are being refused as busy, with how many so far: logged when it starts and ends. */
    private final ConcurrentHashMap<String, AtomicInteger> refusing = new ConcurrentHashMap<>();
    private final TurnMetrics metrics;
    private final Duration shutdownDrain;
    /** Set once the replica is told to stop: polls that arrive after it are left to the partitions' next owner. */
    private volatile boolean draining;

    InboundConsumer(SessionLanes lanes, SessionPrefetch prefetch, TurnRunner turns, EventPublisher publisher,
                    SessionConfig config, TurnMetrics metrics) {
        if (config.turnAttempts() < 1) {
            throw new IllegalArgumentException("capsule.session.turn-attempts must be 1 or more, not " + config.turnAttempts());
        }
        this.lanes = lanes;
        this.prefetch = prefetch;
        this.turns = turns;
        this.publisher = publisher;
        this.attempts = config.turnAttempts();
        this.maxInFlight = config.maxTurnsInFlight();
        if (config.maxQueuedPerSession() < 1) {
            throw new IllegalArgumentException("capsule.session.max-queued-per-session must be 1 or more, not "
                    + config.maxQueuedPerSession());
        }
        this.maxQueued = config.maxQueuedPerSession();
        this.doubleTexting = policy(config.doubleTexting());
        this.metrics = metrics;
        this.shutdownDrain = config.shutdownDrain();
        metrics.inFlight(inFlight);
        metrics.queued(lanes::queued);
    }

    @Incoming(CHANNEL)
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public CompletionStage<Void> onBatch(KafkaRecordBatch<String, byte[]> batch) {
        List<KafkaRecord<String, byte[]>> records = batch.getRecords();
        if (draining) {
            // Neither run nor acknowledged, so never committed: the replica that takes the partitions reads them again.
            LOG.debugf("stopping: %d records left to the next owner of their partitions", records.size());
            return DONE;
        }
        lookUpIdleSessions(records);
        CompletableFuture<?>[] done = new CompletableFuture<?>[records.size()];
        Set<TopicPartition> leftToOthers = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < done.length; i++) {
            KafkaRecord<String, byte[]> record = records.get(i);
            done[i] = onRecord(record).handle((ok, failure) -> {
                Throwable cause = causeOf(failure);
                if (cause instanceof StaleSessionException) {
                    leftToOthers.add(new TopicPartition(record.getTopic(), record.getPartition()));
                    return null;
                }
                if (failure != null) {
                    throw new CompletionException(cause);
                }
                return null;
            });
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(done).whenComplete((ignored, failure) -> {
            if (failure != null) {
                batch.nack(failure);
            } else if (leftToOthers.isEmpty()) {
                batch.ack();
            } else {
                // A turn that found its partition gone did nothing: its record is the new owner's to read again, so this
                // replica must not commit past it (it would, were its ack to reach the commit of the revoked partition).
                LOG.infof("not acknowledging this poll's records of %s: those partitions moved to another replica", leftToOthers);
                batch.getLatestOffsetRecords().forEach((partition, latest) -> {
                    if (!leftToOthers.contains(partition)) {
                        latest.ack();
                    }
                });
            }
        });
        // Back-pressure: past the limit, take the next poll only when this one's turns are done.
        return inFlight.get() > maxInFlight ? all.exceptionally(e -> null) : DONE;
    }

    /**
     * Starts one lookup, in Redis and then PostgreSQL, of the poll's sessions that this replica does not hold and that
     * have no turn under way or waiting (SessionPrefetch): their turns take its answers instead of each asking alone.
     * Records are keyed by their session.
     */
    private void lookUpIdleSessions(List<KafkaRecord<String, byte[]>> records) {
        Set<String> idle = new LinkedHashSet<>();
        for (KafkaRecord<String, byte[]> record : records) {
            if (record.getKey() != null && lanes.idle(record.getKey())) {
                idle.add(record.getKey());
            }
        }
        try {
            prefetch.lookUp(idle);
        } catch (RuntimeException e) {
            LOG.warnf(e, "the lookup of %d sessions for a poll could not start; their turns ask Redis and PostgreSQL alone",
                    idle.size());
        }
    }

    /** Starts the record's work; the future completes when it is done (at once for a record with nothing to run). */
    private CompletableFuture<Void> onRecord(KafkaRecord<String, byte[]> record) {
        CapsuleEvent event;
        try {
            event = EventCodec.decode(record.getPayload());
        } catch (EventDecodingException e) {
            // Nothing to run: the gateway validates what it publishes, so this is another producer's bad record.
            LOG.errorf("dropping an unreadable inbound record at %s-%d@%s: %s", record.getTopic(), record.getPartition(),
                    record.getMetadata(IncomingKafkaRecordMetadata.class).map(m -> String.valueOf(m.getOffset())).orElse("?"),
                    e.getMessage());
            return DONE;
        }
        String eventId = event.eventId();
        record.getMetadata(IncomingKafkaRecordMetadata.class).ifPresent(m -> records.put(eventId, m.getRecord()));
        return onEvent(event, record).whenComplete((ignored, failure) -> records.remove(eventId));
    }

    private CompletableFuture<Void> onEvent(CapsuleEvent event, KafkaRecord<String, byte[]> record) {
        InboundMessage inbound;
        try {
            if (event instanceof InboundCancel cancel) {
                // Not on the lane: it must reach the turn running there now, not wait behind it.
                turns.cancel(cancel);
                return DONE;
            }
            if (event instanceof ProactiveMessage proactive) {
                return onLane(proactive, () -> turns.deliver(proactive, positionOf(proactive.eventId())));
            }
            if (event instanceof InboundClose close) {
                return onLane(close, () -> turns.close(close, positionOf(close.eventId())));
            }
            if (event instanceof InboundDue due) {
                return onLane(due, () -> turns.due(due, positionOf(due.eventId())));
            }
            if (event instanceof InboundConnected connected) {
                return onLane(connected, () -> turns.connected(connected, positionOf(connected.eventId())));
            }
            if (event instanceof InboundLinked linked) {
                return onLane(linked, () -> turns.linked(linked, positionOf(linked.eventId())));
            }
            if (!(event instanceof InboundMessage message)) {
                throw new EventDecodingException("expected an InboundMessage event but got '" + event.type() + "'");
            }
            inbound = message;
        } catch (EventDecodingException e) {
            LOG.errorf("dropping an inbound record at %s-%d@%s: %s", record.getTopic(), record.getPartition(),
                    record.getMetadata(IncomingKafkaRecordMetadata.class).map(m -> String.valueOf(m.getOffset())).orElse("?"),
                    e.getMessage());
            return DONE;
        }
        return counted(schedule(inbound)).whenComplete((ignored, failure) -> {
            if (failure != null && !(causeOf(failure) instanceof StaleSessionException)) {
                LOG.errorf(failure, "session %s: turn of message %s could not complete; it will be redelivered",
                        inbound.sessionId(), inbound.eventId());
            }
        });
    }

    /**
     * Puts a turn that is not a user's message (a proactive message, a close, a due job) on its session's lane,
     * after the messages before it. Under coalesce, a message after it must not join a batch still waiting before
     * it: the next one starts a batch of its own, behind it.
     */
    private CompletableFuture<Void> onLane(CapsuleEvent event, Supplier<CompletableFuture<Void>> turn) {
        batches.remove(event.sessionId());
        return counted(lanes.submit(event.sessionId(), () -> untilDone(event.sessionId(), event.eventId(), event.trace(), turn,
                reason -> deadLetter(List.of(event.eventId()), reason))));
    }

    /** What failed: the cause a {@link CompletionException} wraps, or the failure itself. */
    private static Throwable causeOf(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /**
     * A replica told to stop lets the turns it runs finish, up to {@code capsule.session.shutdown-drain}, while it still
     * holds their partitions and its Kafka and Redis clients are open: cut short, a turn would run again on the replica
     * that takes its partition, and its user would wait for it twice. It runs before the other shutdown observers, which
     * stop what turns use (the streams' timer, the turn-timeout watchdog).
     */
    void drain(@Observes @Priority(1) ShutdownEvent ignored) throws InterruptedException {
        draining = true;
        int running = inFlight.get();
        if (running == 0) {
            return;
        }
        LOG.infof("stopping: waiting up to %s (capsule.session.shutdown-drain) for %d turns under way", shutdownDrain, running);
        long deadline = System.nanoTime() + shutdownDrain.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (inFlight.get() > 0) {
            LOG.warnf("stopping with %d turns still under way after %s: the replicas that take their partitions run them again",
                    inFlight.get(), shutdownDrain);
        } else {
            LOG.infof("stopping: the turns under way are done");
        }
    }

    /** Counts the work in flight until it is done. */
    private <T> CompletableFuture<T> counted(CompletableFuture<T> work) {
        inFlight.incrementAndGet();
        return work.whenComplete((ignored, failure) -> inFlight.decrementAndGet());
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
        if (doubleTexting != DoubleTexting.COALESCE && lanes.waiting(sessionId) >= maxQueued) {
            return refuseBusy(inbound);
        }
        AtomicInteger refused = refusing.remove(sessionId);
        if (refused != null) {
            LOG.infof("session %s: its queue has room again; %d messages were refused as busy", sessionId, refused.get());
        }
        return switch (doubleTexting) {
            case QUEUE -> lanes.submit(sessionId, () -> runUntilDone(List.of(inbound)));
            case INTERRUPT -> {
                turns.interrupt(sessionId);
                yield lanes.submit(sessionId, () -> runUntilDone(List.of(inbound)));
            }
            case COALESCE -> coalesce(inbound);
        };
    }

    /**
     * How many messages of {@code sessionId} wait, under the coalesce policy, in the batch that its next turn answers
     * (0 when none waits): the messages this replica has taken off Kafka that have not reached the handler yet.
     */
    public int waitingToCoalesce(String sessionId) {
        PendingBatch waiting = batches.get(sessionId);
        return waiting == null ? 0 : waiting.size();
    }

    /**
     * Answers the message as busy, on its lane (its answer takes the next seq after the turns before it) and without
     * running the handler; under the coalesce policy waiting messages join one turn instead, so none is refused.
     */
    private CompletableFuture<Void> refuseBusy(InboundMessage inbound) {
        String sessionId = inbound.sessionId();
        metrics.refusedBusy();
        if (refusing.computeIfAbsent(sessionId, id -> new AtomicInteger()).getAndIncrement() == 0) {
            LOG.warnf("session %s: %d messages wait behind its turn (capsule.session.max-queued-per-session); "
                    + "its next messages are answered session_busy until the queue drains", sessionId, maxQueued);
        }
        InboundPosition position = positionOf(inbound.eventId());
        return lanes.submit(sessionId, () -> untilDone(sessionId, inbound.eventId(), inbound.trace(), () -> turns.refuseBusy(inbound, position),
                reason -> turns.giveUp(List.of(inbound), position, reason)
                        .thenCompose(ended -> deadLetter(List.of(inbound.eventId()), reason))));
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
     * session waits, and its record stays uncommitted until the turn is done. An outage is
     * waited out however long it lasts; a failure of the turn's own (see {@link TurnFailures}) is
     * tried {@code capsule.session.turn-attempts} times, then the turn ends as {@code TurnFailed}, its
     * message is dead-lettered with the reason, and the session goes on. A session another
     * instance has taken over (a rebalance) is left to that instance.
     */
    private CompletableFuture<Void> runUntilDone(List<InboundMessage> batch) {
        InboundMessage last = batch.get(batch.size() - 1);
        List<String> ids = batch.stream().map(InboundMessage::eventId).toList();
        InboundPosition position = positionOf(last.eventId());
        return untilDone(last.sessionId(), last.eventId(), last.trace(), () -> turns.run(batch, position),
                reason -> turns.giveUp(batch, position, reason).thenCompose(ended -> deadLetter(ids, reason)));
    }

    /** Where the record of {@code eventId} sits in its topic, or null when it is not known here. */
    private InboundPosition positionOf(String eventId) {
        ConsumerRecord<String, byte[]> record = records.get(eventId);
        return record == null ? null : new InboundPosition(record.partition(), record.offset());
    }

    private CompletableFuture<Void> untilDone(String sessionId, String eventId, TraceContext trace,
                                              Supplier<CompletableFuture<Void>> turn, Function<String, CompletableFuture<Void>> giveUp) {
        long start = System.nanoTime();
        AtomicBoolean gaveUp = new AtomicBoolean();
        CompletableFuture<Void> done = new CompletableFuture<>();
        attempt(sessionId, eventId, trace, turn, reason -> giveUp.apply(reason).thenRun(() -> gaveUp.set(true)), 1, 100, done);
        return done.whenComplete((ok, failure) -> {
            if (failure == null) {
                metrics.ended(start, gaveUp.get() ? TurnMetrics.Outcome.GIVEN_UP : TurnMetrics.Outcome.OK);
            } else if (causeOf(failure) instanceof StaleSessionException) {
                metrics.ended(start, TurnMetrics.Outcome.MOVED);
            }
        });
    }

    /**
     * Sets the records of {@code eventIds} aside on the dead-letter topic, redacted, with {@code reason}: what an
     * operator needs to see why a turn was given up, without what the user said.
     */
    private CompletableFuture<Void> deadLetter(List<String> eventIds, String reason) {
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (String id : eventIds) {
            ConsumerRecord<String, byte[]> record = records.get(id);
            if (record != null) {
                sent.add(publisher.send(DeadLetter.of(record, reason)).thenRun(metrics::deadLettered));
                LOG.warnf("dead-lettered %s-%d@%d (event %s): %s", record.topic(), record.partition(), record.offset(), id, reason);
            }
        }
        return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
    }

    /**
     * Gives a turn up after its tries, then tries giving it up until that is done (Kafka may be down meanwhile):
     * the record must not be committed before its dead letter and the turn's end are in Kafka.
     */
    private void giveUp(String sessionId, String eventId, Function<String, CompletableFuture<Void>> giveUp, String reason,
                        long backoff, CompletableFuture<Void> done) {
        CompletableFuture<Void> given;
        try {
            given = giveUp.apply(reason);
        } catch (RuntimeException e) {
            given = CompletableFuture.failedFuture(e);
        }
        given.whenComplete((ok, failure) -> {
            Throwable cause = causeOf(failure);
            if (cause == null) {
                done.complete(null);
            } else if (cause instanceof StaleSessionException) {
                // Another replica holds the session now: giving the turn up is its to do, if it comes to that.
                LOG.warnf("session %s: %s", sessionId, cause.getMessage());
                done.completeExceptionally(cause);
            } else {
                LOG.warnf(failure, "session %s: giving up the turn of %s failed; trying again in %d ms", sessionId, eventId, backoff);
                lanes.later(backoff, () -> giveUp(sessionId, eventId, giveUp, reason, Math.min(backoff * 2, 5000), done));
            }
        });
    }

    private void attempt(String sessionId, String eventId, TraceContext trace, Supplier<CompletableFuture<Void>> turn,
                         Function<String, CompletableFuture<Void>> giveUp, int attempt, long backoff,
                         CompletableFuture<Void> done) {
        CompletableFuture<Void> tried;
        // The turn's own lines, the handler's among them, say which session, message and trace they are about.
        try (LogContext ids = LogContext.of(sessionId, eventId, trace)) {
            tried = turn.get();
        } catch (RuntimeException e) {
            tried = CompletableFuture.failedFuture(e);
        }
        tried.whenComplete((ok, failure) -> {
            Throwable cause = causeOf(failure);
            if (cause == null) {
                done.complete(null);
            } else if (cause instanceof StaleSessionException) {
                LOG.warnf("session %s: %s", sessionId, cause.getMessage());
                done.completeExceptionally(cause);
            } else if (attempt >= attempts && TurnFailures.isTheTurnsOwn(cause)) {
                LOG.errorf(cause, "session %s: turn of message %s failed %d times for a reason of its own "
                        + "(capsule.session.turn-attempts); giving it up", sessionId, eventId, attempt);
                giveUp(sessionId, eventId, giveUp, TurnFailures.reason(cause), 100, done);
            } else {
                LOG.warnf(cause, "session %s: turn of message %s failed (attempt %d); running it again in %d ms",
                        sessionId, eventId, attempt, backoff);
                metrics.retried();
                lanes.later(backoff, () -> attempt(sessionId, eventId, trace, turn, giveUp, attempt + 1, Math.min(backoff * 2, 5000), done));
            }
        });
    }
}
