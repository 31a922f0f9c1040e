package dev.capsule.session.turn;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capsule.events.CapsuleEvent;
import dev.capsule.events.EventCodec;
import dev.capsule.events.EventMeta;
import dev.capsule.events.HistoryLine;
import dev.capsule.events.InboundCancel;
import dev.capsule.events.InboundClose;
import dev.capsule.events.InboundConnected;
import dev.capsule.events.InboundDue;
import dev.capsule.events.InboundLinked;
import dev.capsule.events.InboundMessage;
import dev.capsule.events.InboundPosition;
import dev.capsule.events.OutboundEvent;
import dev.capsule.events.ProactiveMessage;
import dev.capsule.events.SessionClosed;
import dev.capsule.events.SessionOpened;
import dev.capsule.events.StateChanged;
import dev.capsule.events.Topics;
import dev.capsule.events.TraceContext;
import dev.capsule.events.TurnEnded;
import dev.capsule.events.TurnFailed;
import dev.capsule.events.UserRef;
import dev.capsule.kafka.EventPublisher;
import dev.capsule.sdk.Action;
import dev.capsule.sdk.Capsule;
import dev.capsule.sdk.Message;
import dev.capsule.sdk.ScheduledJob;
import dev.capsule.sdk.SessionData;
import dev.capsule.session.app.AppInvoker;
import dev.capsule.session.collections.Collections;
import dev.capsule.session.identity.LinkedIdentities;
import dev.capsule.session.integrations.SessionIntegrations;
import dev.capsule.session.config.SessionConfig;
import dev.capsule.session.schedule.JobRequest;
import dev.capsule.session.schedule.SessionJobs;
import dev.capsule.session.readmodel.HistoryPages;
import dev.capsule.session.readmodel.SnapshotReader;
import dev.capsule.session.state.LookedUp;
import dev.capsule.session.state.OwnedSessions;
import dev.capsule.session.state.PartitionFence;
import dev.capsule.session.state.SessionState;
import dev.capsule.session.state.SessionStore;
import dev.capsule.session.state.StoreUnavailableException;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Runs one turn: resolves the session — from this replica's memory ({@link OwnedSessions}),
 * else Redis, else the snapshot PostgreSQL keeps (Redis is a cache), else new, running
 * {@code enter()} —
 * runs the handler, waits for its streams, ends the turn with its {@code StateChanged} in the same
 * request to Kafka; then, once Kafka has every event, saves the state in Redis fenced by version. The thread that ran the handler waits for neither Kafka nor
 * Redis: what follows the handler runs on their callbacks, each a hand-off fewer per turn, and
 * Redis saves of turns that end together share one pipeline. Called on the session's lane, so
 * never twice at once for one session.
 */
@ApplicationScoped
public class TurnRunner {

    private static final Logger LOG = Logger.getLogger(TurnRunner.class);
    private static final int REMEMBERED_INBOUND = 64;
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final SessionStore store;
    private final OwnedSessions owned;
    private final SnapshotReader snapshots;
    private final Collections collections;
    private final SessionIntegrations integrations;
    private final LinkedIdentities identities;
    private final HistoryPages historyPages;
    private final EventPublisher publisher;
    private final AppInvoker app;
    private final StreamCoalescing coalescing;
    private final int historyWindow;
    private final Duration turnTimeout;
    private final SessionConfig config;
    private final SessionJobs jobs;
    private final PartitionFence fence;
    private final ConcurrentHashMap<String, TurnSession> running = new ConcurrentHashMap<>();
    /** The highest seq a failed run of a session's turn took, until a turn of the session is done (see {@link #giveUp}). */
    private final ConcurrentHashMap<String, Long> seqsTried = new ConcurrentHashMap<>();
    /**
     * Looks over the running handlers once a second, rather than a timer per turn: each timer set would
     * wake a thread, on a machine where a wake-up is the dearest thing a message costs.
     */
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("capsule-turn-timeouts").factory());

    TurnRunner(SessionStore store, OwnedSessions owned, SnapshotReader snapshots, Collections collections, HistoryPages historyPages,
               EventPublisher publisher, AppInvoker app, StreamCoalescing coalescing, SessionConfig config, SessionJobs jobs,
               PartitionFence fence, SessionIntegrations integrations, LinkedIdentities identities) {
        this.fence = fence;
        this.integrations = integrations;
        this.identities = identities;
        this.store = store;
        this.owned = owned;
        this.snapshots = snapshots;
        this.collections = collections;
        this.historyPages = historyPages;
        this.publisher = publisher;
        this.app = app;
        this.coalescing = coalescing;
        this.historyWindow = config.historyWindow();
        this.turnTimeout = config.turnTimeout();
        this.config = config;
        this.jobs = jobs;
        watchdog.scheduleWithFixedDelay(this::timeOutLongHandlers, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * Interrupts every handler that has run past the turn timeout: its turn fails (the user gets the
     * turn's error), its data changes are dropped, and the session's next message goes on. A handler
     * that ignores the interrupt (a busy loop) still holds its session; the log names it.
     */
    private void timeOutLongHandlers() {
        long now = System.nanoTime();
        for (TurnSession session : running.values()) {
            long started = session.handlerStartedNanos();
            if (started != 0 && now - started > turnTimeout.toNanos() && !session.timedOut()) {
                LOG.errorf("session %s: the handler of message %s has run for more than %s (capsule.session.turn-timeout); "
                        + "interrupting it", session.id(), session.inbound().eventId(), turnTimeout);
                session.timeOut();
            }
        }
    }

    void stop(@Observes ShutdownEvent ignored) {
        watchdog.shutdownNow();
    }

    /**
     * Runs one turn on the calling (virtual) thread up to the end of its handler and streams;
     * the future completes when its events are in Kafka and its state is saved. The batch is
     * one message, or, under the {@code coalesce} policy, the messages of one session that
     * arrived while its previous turn ran: the handler sees them as one message, their texts
     * joined by line breaks, answered under the last one's id; the others' turns end at once, empty.
     * A button press reaches the handler as {@link Message#action()}, and the history as its label.
     * {@code position} is where the batch's last record sits in {@code capsule.inbound} (null when unknown):
     * a batch at or below the position the session last handled is a redelivery, and is dropped.
     */
    public CompletableFuture<Void> run(List<InboundMessage> batch, InboundPosition position) {
        InboundMessage last = batch.get(batch.size() - 1);
        String sessionId = last.sessionId();
        long generation = owned.generation();
        SessionState before = load(sessionId);
        PartitionFence.Lease lease = fence.lease(sessionId, position);
        lease.check(); // a turn taken before its partition moved away does not start: another replica runs it
        if (before != null && before.handledUpTo() != null && before.handledUpTo().covers(position)) {
            LOG.debugf("session %s: message %s at %s was handled already (a redelivery); skipped", sessionId, last.eventId(), position);
            return DONE;
        }
        Set<String> handled = before == null ? Set.of() : Set.copyOf(before.recentInbound());
        // A linked channel identity's messages are its app user's: the session, its collections and integrations are theirs.
        List<InboundMessage> fresh = identities.resolve(batch.stream().filter(m -> !handled.contains(m.eventId())).toList());
        if (fresh.isEmpty()) {
            LOG.debugf("session %s: message %s was handled already (a redelivery); skipped", sessionId, last.eventId());
            return DONE;
        }
        InboundMessage inbound = fresh.get(fresh.size() - 1);
        boolean created = before == null || before.closed();
        if (before == null) {
            before = SessionState.fresh(sessionId, inbound.user(), inbound.channel());
        } else if (!before.user().id().equals(inbound.user().id())) {
            LOG.warnf("session %s belongs to user %s; message %s from user %s dropped", sessionId,
                    before.user().id(), inbound.eventId(), inbound.user().id());
            return DONE;
        } else if (before.closed()) {
            before = newLife(before);
        }
        List<HistoryLine> history = new ArrayList<>(before.history());
        fresh.forEach(m -> history.add(new HistoryLine(m.eventId(), "user", m.shownText(), m.timestamp())));
        SessionData data = SessionData.of(before.data());
        TurnSession session = new TurnSession(inbound, data, history, before.outboundSeq(), publisher, lease,
                collections.forTurn(before.user().ownerId(), sessionId, inbound.trace(), inbound.eventId(), lease), historyPages, coalescing);
        session.useIntegrations(integrations.forTurn(session));
        for (InboundMessage absorbed : fresh.subList(0, fresh.size() - 1)) {
            session.emit(s -> TurnEnded.of(session.meta(), absorbed.eventId(), s, absorbed.channel(), absorbed.route(), 0));
        }
        Message message = messageFor(fresh);

        Throwable failure = runHooks(session, () -> {
            if (created) {
                lease.check();
                session.trackAck(publisher.publish(Topics.CHANGES,
                        SessionOpened.of(EventMeta.derived(sessionId, inbound.trace(), inbound.eventId() + "/opened"),
                                inbound.user(), inbound.channel())));
                Capsule.runWith(session, () -> app.enter(session));
            }
            if (identities.asksForLinkCode(inbound.channel(), message.text())) {
                // The runtime's own command: the app never sees it. The code is the channel identity's, linked or not.
                String code = identities.newCode(last.user().id(), sessionId);
                session.reply("Your link code is " + code + ". Signed in to the web chat, send /link " + code
                        + " there to make this conversation yours across channels. It works once, for a few minutes.");
            } else {
                Capsule.runWith(session, () -> app.onMessage(session, message));
            }
        });
        if (failure != null && !session.timedOut() && StoreUnavailableException.in(failure)) {
            // Not the app's failure: Kafka, Redis or PostgreSQL did not answer the runtime. The turn runs again, with the
            // same derived ids, once they do; what this run already said is said again under the same ids.
            LOG.warnf("session %s: the turn of %s needs a store that is down; it runs again: %s", sessionId,
                    inbound.eventId(), failure.getMessage());
            return CompletableFuture.failedFuture(failure);
        }
        // A failed turn neither closes nor schedules: like its data changes, its close and jobs are dropped. Past the
        // handler, neither a newer message (interrupt policy) nor the user's Stop cuts exit() short: the turn is over.
        if (failure == null) {
            scheduleJobs(session, before.user(), inbound.eventId());
        }
        Instant closedAt = failure == null && session.closeRequested()
                ? exitAndClose(session, inbound.trace(), inbound.eventId(), SessionClosed.EXPLICIT) : null;

        LongFunction<OutboundEvent> end;
        if (failure == null) {
            end = s -> TurnEnded.of(session.meta(), inbound.eventId(), s, inbound.channel(), inbound.route(), session.events());
        } else {
            LOG.errorf(failure, "session %s: the handler failed on message %s", sessionId, inbound.eventId());
            end = s -> TurnFailed.of(session.meta(), inbound.eventId(), s, inbound.channel(), inbound.route(),
                    "handler_error", "Sorry, something went wrong while answering. Please try again.");
        }
        // A failed turn keeps what was said but not its half-made changes to the data.
        ObjectNode nextData = failure == null ? data.toJson() : before.data();
        Handled handledNow = new Handled(fresh.stream().map(InboundMessage::eventId).toList(), position);
        return finish(generation, before, session, end, nextData, handledNow, inbound.trace(), inbound.eventId(), closedAt);
    }

    /**
     * Ends a turn that failed for a reason of its own as often as it may be tried ({@code capsule.session.turn-attempts}):
     * a {@link TurnFailed} answers its message, so that the user and a waiting request learn it, and the state
     * records the message as handled, without the turn's changes, so that the session goes on. Its seq comes after
     * every seq a run of the turn took, some of which may have reached users.
     */
    public CompletableFuture<Void> giveUp(List<InboundMessage> batch, InboundPosition position, String reason) {
        LOG.errorf("session %s: the turn of message %s is given up (%s); it ends as failed", batch.getLast().sessionId(),
                batch.getLast().eventId(), reason);
        long generation = owned.generation(); // before the load, as in run()
        return endUnanswered(generation, load(batch.getLast().sessionId()), batch, position, "turn_failed",
                "Sorry, this message could not be answered. Please try again, or rephrase it.");
    }

    /**
     * Answers a message with a {@link TurnFailed} of code {@code session_busy} without running the handler: too many of
     * the session's messages wait already ({@code capsule.session.max-queued-per-session}). The state records it as
     * handled, so a redelivery neither refuses nor runs it again.
     */
    public CompletableFuture<Void> refuseBusy(InboundMessage message, InboundPosition position) {
        long generation = owned.generation(); // before the load, as in run()
        SessionState loaded = load(message.sessionId());
        if (loaded != null && (loaded.recentInbound().contains(message.eventId())
                || loaded.handledUpTo() != null && loaded.handledUpTo().covers(position))) {
            return DONE;
        }
        return endUnanswered(generation, loaded, List.of(message), position, "session_busy",
                "Too many of your messages are waiting for an answer; this one was not read. Send it again once the answers catch up.");
    }

    /**
     * Ends {@code batch}'s turn with a {@link TurnFailed} and no handler run, its messages recorded as handled;
     * {@code loaded} is the session's state as the caller read it (null for a session not yet known), after taking
     * {@code generation}.
     */
    private CompletableFuture<Void> endUnanswered(long generation, SessionState loaded, List<InboundMessage> batch,
                                                  InboundPosition position, String code, String text) {
        InboundMessage last = batch.get(batch.size() - 1);
        String sessionId = last.sessionId();
        SessionState before = loaded != null ? loaded : SessionState.fresh(sessionId, last.user(), last.channel());
        long seq = Math.max(before.outboundSeq(), seqsTried.getOrDefault(sessionId, 0L));
        PartitionFence.Lease lease = fence.lease(sessionId, position);
        lease.check(); // a turn taken before its partition moved away does not start: another replica runs it
        List<HistoryLine> history = new ArrayList<>(before.history());
        batch.forEach(m -> history.add(new HistoryLine(m.eventId(), "user", m.shownText(), m.timestamp())));
        TurnSession session = new TurnSession(last, SessionData.of(before.data()), history, seq, publisher, lease,
                collections.forTurn(before.user().ownerId(), sessionId, last.trace(), last.eventId(), lease), historyPages, coalescing);
        return finish(generation, before, session,
                s -> TurnFailed.of(session.givenUpMeta(), last.eventId(), s, last.channel(), last.route(), code, text),
                before.data(), new Handled(batch.stream().map(InboundMessage::eventId).toList(), position), last.trace(),
                last.eventId(), before.closedAt());
    }

    /**
     * Runs a turn's hooks on the calling thread and waits for the streams they opened, the turn
     * marked as running (an interrupt or the user's Stop reaches it).
     *
     * @return why the turn failed, or null when it succeeded (or was cut short by a newer message)
     */
    private Throwable runHooks(TurnSession session, Runnable hooks) {
        String sessionId = session.id();
        Throwable failure = null;
        running.put(sessionId, session);
        session.runningOn(Thread.currentThread());
        long started = System.nanoTime();
        try {
            hooks.run();
            long left = turnTimeout.toNanos() - (System.nanoTime() - started);
            session.streamsEnded().get(Math.max(0, left), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            failure = e.getCause();
        } catch (TimeoutException e) {
            failure = new TimeoutException("the turn did not end within " + turnTimeout + " (a stream never ended?)");
        } catch (InterruptedException e) {
            failure = e;
        } catch (RuntimeException | Error e) {
            failure = e;
        } finally {
            running.remove(sessionId, session);
            session.runningOn(null);
            // An interrupt meant for the handler must not break the publishing that follows.
            Thread.interrupted();
        }
        if (session.timedOut()) {
            failure = new TimeoutException("the handler did not return within " + turnTimeout
                    + " (capsule.session.turn-timeout): it was interrupted and the turn failed");
        } else if (failure != null && session.wasInterrupted()) {
            LOG.debugf("session %s: turn of %s cut short by a newer message (%s)", sessionId, session.inbound().eventId(), failure);
            failure = null;
        }
        return failure;
    }

    /** Hands the jobs a successful turn (or exit()) scheduled to the cluster's scheduler; blocks on PostgreSQL. */
    private void scheduleJobs(TurnSession session, UserRef user, String key) {
        List<JobRequest> requested = session.jobs();
        if (!requested.isEmpty()) {
            session.lease().check();
            jobs.schedule(session.id(), user, key, requested);
        }
    }

    /**
     * When anything was last said in the session, either way: its newest history line, or its
     * creation. (The history window always keeps the newest line.)
     */
    private static Instant lastActivity(SessionState state) {
        List<HistoryLine> history = state.history();
        Instant last = history.isEmpty() ? null : history.get(history.size() - 1).timestamp();
        return last == null || last.isBefore(state.createdAt()) ? state.createdAt() : last;
    }

    /**
     * The state a closed session's next message starts from: a new life, whose {@code enter()} runs
     * again with empty data, while the history, the seq, the handled ids and the version go on (the
     * gateway orders events by seq; saves are fenced by version).
     */
    private static SessionState newLife(SessionState closed) {
        return new SessionState(closed.sessionId(), closed.user(), closed.channel(), closed.createdAt(), closed.version(),
                SessionData.empty().toJson(), closed.history(), closed.outboundSeq(), closed.recentInbound(), null,
                closed.handledUpTo());
    }

    /**
     * Runs the app's {@code exit()} and waits for its streams. Its failure is logged, not the turn's:
     * the close goes on, so that {@code exit()} is not run again for the same close.
     */
    private void exit(TurnSession session) {
        try {
            Capsule.runWith(session, () -> app.exit(session));
            session.streamsEnded().get(turnTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            if (StoreUnavailableException.in(e)) {
                throw e; // an outage: the close runs again once the store answers, so exit() does its work once
            }
            LOG.errorf(e, "session %s: exit() failed; the session is closed all the same", session.id());
        } catch (ExecutionException | TimeoutException e) {
            LOG.errorf(e, "session %s: exit() failed; the session is closed all the same", session.id());
        } catch (InterruptedException e) {
            LOG.errorf("session %s: exit() was interrupted; the session is closed all the same", session.id());
        } finally {
            // An interrupt meant for exit() must not break the publishing that follows.
            Thread.interrupted();
        }
    }

    /**
     * Runs {@code exit()}, then sends {@link SessionClosed} with the turn's events (the turn waits for it);
     * answers when the session closed.
     */
    private Instant exitAndClose(TurnSession session, TraceContext trace, String eventId, String reason) {
        exit(session);
        scheduleJobs(session, session.inbound().user(), eventId + "/exit");
        SessionClosed closed = SessionClosed.of(EventMeta.derived(session.id(), trace, eventId + "/closed"), reason);
        session.lease().check();
        session.trackAck(publisher.publish(Topics.CHANGES, closed));
        return closed.timestamp();
    }

    /**
     * The message the handler sees for the batch: a press as its {@link Action}, read as its label;
     * typed texts joined by line breaks under the last one's id. A press is never coalesced with
     * other messages (see {@code PendingBatch}), so a batch holding one holds nothing else.
     */
    private static Message messageFor(List<InboundMessage> fresh) {
        InboundMessage last = fresh.get(fresh.size() - 1);
        if (last.action() != null) {
            return Message.pressed(last.eventId(), new Action(last.action().value(), last.action().label()), last.timestamp());
        }
        return new Message(last.eventId(), fresh.stream().map(InboundMessage::shownText).collect(Collectors.joining("\n")),
                last.timestamp());
    }

    /**
     * Ends the turn with its last event and sends its {@link StateChanged} right before it, so that one
     * request to Kafka carries both, and a state too large for Kafka fails the turn before its end leaves; once Kafka has every event of the turn, saves the next state in
     * Redis, fenced by version, and keeps it in memory. Runs on the callbacks of Kafka and Redis: no
     * thread waits for it. The {@code StateChanged} leaves before the fence is checked, which costs
     * nothing in correctness: its id is derived from the message, and the read model moves a snapshot
     * only to a higher version, so the copy of a turn run twice (after a crash, or by a replica that
     * lost the session meanwhile) changes it once. A turn whose events Kafka refused is not done and
     * runs again from the state before it.
     */
    private CompletableFuture<Void> finish(long generation, SessionState before, TurnSession session, LongFunction<OutboundEvent> last,
                                           ObjectNode nextData, Handled handled, TraceContext trace, String messageId,
                                           Instant closedAt) {
        List<String> recent = new ArrayList<>(before.recentInbound());
        recent.addAll(handled.ids());
        List<String> remembered = recent.subList(Math.max(0, recent.size() - REMEMBERED_INBOUND), recent.size());
        NextState[] next = new NextState[1];
        CompletableFuture<Void> events = session.endTurn(last, lastSeq -> {
            SessionState after = new SessionState(before.sessionId(), before.user(), before.channel(), before.createdAt(),
                    before.version() + 1, nextData, session.history(historyWindow), lastSeq, remembered, closedAt,
                    handled.upTo() != null ? handled.upTo() : before.handledUpTo());
            // Checked again by the turn's last event, right after: the state change rides with it.
            session.lease().check();
            StateChanged change = StateChanged.of(EventMeta.derived(before.sessionId(), trace, messageId + "/state"),
                    after.version(), nextData, after.snapshot());
            // Encoded here, on the turn's thread: Kafka's bytes now, and Redis's parts, sent once Kafka has them.
            next[0] = new NextState(after, EventCodec.encode(change), store.prepare(change, before.history()));
            return publisher.publish(Topics.CHANGES, change, next[0].encoded());
        });
        if (events.isCompletedExceptionally()) {
            // Refused before it left (an answer, or the state, too large for Kafka): the turn's end did not leave, and
            // nothing of this run may reach the read model. The highest seq it took stays taken, so that what the turn
            // sends when it is given up is not mistaken for an event already delivered.
            seqsTried.merge(session.id(), session.seq(), Math::max);
            return events.handle((acked, failure) -> {
                throw new IllegalStateException("session " + session.id() + ": Kafka refused an event of the turn", failure);
            });
        }
        // No timer of our own on the acknowledgements: the producer fails a send it could not deliver within its
        // delivery.timeout.ms (2 minutes), and a timer per turn cost a wake-up of the JDK's delay scheduler thread.
        return events
                .handle((acked, failure) -> {
                    if (failure != null) {
                        seqsTried.merge(session.id(), session.seq(), Math::max);
                        throw new IllegalStateException("session " + session.id() + ": Kafka did not take the turn's events", failure);
                    }
                    return null;
                })
                .thenCompose(acked -> {
                    session.lease().check();
                    return store.saveAsync(next[0].save());
                })
                .whenComplete((saved, failure) -> {
                    if (failure == null) {
                        seqsTried.remove(before.sessionId());
                        owned.remember(generation, next[0].state());
                    } else {
                        owned.forget(before.sessionId());
                    }
                });
    }

    /**
     * The session's state: this replica's copy, else Redis's, else PostgreSQL's snapshot; null for a new session. The
     * answers of Redis and PostgreSQL come from the poll's lookup when it made one for the session (SessionPrefetch).
     */
    private SessionState load(String sessionId) {
        Optional<SessionState> held = owned.get(sessionId);
        if (held.isPresent()) {
            return held.get();
        }
        Optional<LookedUp> found = owned.takeLookup(sessionId);
        if (found.isPresent()) {
            if (found.get().state() != null) {
                return found.get().state();
            }
            return found.get().inPostgres() ? snapshots.loadKnown(sessionId).orElse(null) : null;
        }
        return store.load(sessionId).or(() -> snapshots.load(sessionId)).orElse(null);
    }

    /**
     * Delivers a proactive message into its session as a reply of its own (and a turn end),
     * without the handler, on the session's lane like a turn: once, kept in the history, on the
     * session's channel. Dropped, with a warning, when the session is unknown or belongs to
     * another user than the one the app sent it for (owner scoping).
     */
    public CompletableFuture<Void> deliver(ProactiveMessage message, InboundPosition position) {
        String sessionId = message.sessionId();
        long generation = owned.generation();
        SessionState before = load(sessionId);
        PartitionFence.Lease lease = fence.lease(sessionId, position);
        lease.check(); // a turn taken before its partition moved away does not start: another replica runs it
        if (before == null) {
            LOG.warnf("session %s does not exist; proactive message %s from session %s dropped", sessionId, message.eventId(),
                    message.origin());
            return DONE;
        }
        if (!before.user().id().equals(message.user().id())) {
            LOG.warnf("session %s belongs to user %s; proactive message %s for user %s dropped", sessionId,
                    before.user().id(), message.eventId(), message.user().id());
            return DONE;
        }
        if (before.recentInbound().contains(message.eventId())) {
            return DONE; // a redelivery
        }
        TurnSession session = standInTurn(message, before, SessionData.of(before.data()), lease);
        session.reply(message.text());
        return finish(generation, before, session,
                s -> TurnEnded.of(session.meta(), message.eventId(), s, before.channel(), null, session.events()),
                before.data(), Handled.only(message.eventId()), message.trace(), message.eventId(), before.closedAt());
    }

    /**
     * Closes the session for its user ({@link InboundClose}), on the session's lane like a turn, so
     * that every message accepted before it has been handled: runs {@code exit()} with the session's
     * data, history and collections, sends what it answers (in reply to the close's id, with a turn
     * end) and {@link SessionClosed}, then saves the state as closed. A session that is closed
     * already, unknown, or another user's is left as it is: {@code exit()} runs once per life.
     */
    public CompletableFuture<Void> close(InboundClose close, InboundPosition position) {
        String sessionId = close.sessionId();
        long generation = owned.generation();
        SessionState before = load(sessionId);
        PartitionFence.Lease lease = fence.lease(sessionId, position);
        lease.check(); // a turn taken before its partition moved away does not start: another replica runs it
        if (before == null || before.closed() || before.recentInbound().contains(close.eventId())) {
            LOG.debugf("session %s: nothing to close for %s (unknown, or closed already)", sessionId, close.eventId());
            return DONE;
        }
        if (!before.user().id().equals(close.user().id())) {
            LOG.warnf("session %s belongs to user %s; close %s from user %s dropped", sessionId, before.user().id(),
                    close.eventId(), close.user().id());
            return DONE;
        }
        if (close.idle() && (!config.closesIdleSessions() || lastActivity(before).plus(config.idleTimeout()).isAfter(Instant.now()))) {
            LOG.debugf("session %s: not idle for %s any more (last activity %s); left open", sessionId, config.idleTimeout(),
                    lastActivity(before));
            return DONE;
        }
        SessionData data = SessionData.of(before.data());
        TurnSession session = standInTurn(close, before, data, lease);
        Instant closedAt = exitAndClose(session, close.trace(), close.eventId(), close.reason());
        if (close.idle()) {
            LOG.infof("session %s closed after %s idle", sessionId, config.idleTimeout());
        }
        return finish(generation, before, session,
                s -> TurnEnded.of(session.meta(), close.eventId(), s, before.channel(), null, session.events()),
                data.toJson(), Handled.only(close.eventId()), close.trace(), close.eventId(), closedAt);
    }

    /**
     * Runs a job that came due ({@link InboundDue}) on the session's lane like a turn: the app's
     * {@code onScheduled} with the session's data, history and collections, and
     * {@code Capsule.currentSession()} set; what it sends answers the due event's id, on the session's
     * channel, with a turn end. A closed session runs it without opening again. The job runs once:
     * a failure is logged and its data changes are dropped, as a failed turn's; a session unknown or
     * another user's by now does not run it.
     */
    public CompletableFuture<Void> due(InboundDue due, InboundPosition position) {
        ScheduledJob job = new ScheduledJob(due.name(), due.payload(), due.dueAt(), due.recurring());
        return hookTurn(due, due.user().id(), "job '" + due.name() + "' due at " + due.dueAt(), position,
                session -> app.onScheduled(session, job));
    }

    /**
     * Runs the app's {@code onConnected} on the session's lane like a turn, once the gateway's callback has stored the
     * user's new connection ({@link InboundConnected}): in order with the session's messages, with the connection as
     * the store holds it now (a fresh token). A session unknown or another user's by now, or a connection already gone
     * again (disconnected meanwhile), runs nothing. A failure is logged, as a due job's: the user's connection stands.
     */
    public CompletableFuture<Void> connected(InboundConnected connected, InboundPosition position) {
        String name = connected.integration();
        return hookTurn(connected, connected.userId(), "onConnected for " + name, position,
                session -> session.integrations().get(name).ifPresentOrElse(connection -> app.onConnected(session, connection),
                        () -> LOG.infof("session %s: %s was connected, then gone before the app heard of it", session.id(), name)));
    }

    /**
     * A turn that runs one of the app's hooks for an event that is not a user's message (a due job, a connection), on the
     * session's lane like a message: a session unknown, another user's by now, or the event a redelivery runs nothing; a
     * hook that fails is logged and its data changes dropped, and is not run again; a close it asks for runs exit().
     */
    private CompletableFuture<Void> hookTurn(CapsuleEvent event, String userId, String what, InboundPosition position,
                                             Consumer<TurnSession> hook) {
        String sessionId = event.sessionId();
        long generation = owned.generation();
        SessionState before = load(sessionId);
        PartitionFence.Lease lease = fence.lease(sessionId, position);
        lease.check(); // a turn taken before its partition moved away does not start: another replica runs it
        if (before == null) {
            LOG.warnf("session %s does not exist; %s (%s) dropped", sessionId, what, event.eventId());
            return DONE;
        }
        if (!before.user().id().equals(userId)) {
            LOG.warnf("session %s belongs to user %s; %s for user %s dropped", sessionId, before.user().id(), what, userId);
            return DONE;
        }
        if (before.recentInbound().contains(event.eventId())) {
            return DONE; // a redelivery, or the same job fired again
        }
        SessionData data = SessionData.of(before.data());
        TurnSession session = standInTurn(event, before, data, lease);
        Throwable failure = runHooks(session, () -> Capsule.runWith(session, () -> hook.accept(session)));
        Instant closedAt = before.closedAt();
        if (failure == null) {
            scheduleJobs(session, before.user(), event.eventId());
            if (session.closeRequested() && !before.closed()) {
                closedAt = exitAndClose(session, event.trace(), event.eventId(), SessionClosed.EXPLICIT);
            }
        } else {
            LOG.errorf(failure, "session %s: %s failed; it is not run again", sessionId, what);
        }
        ObjectNode nextData = failure == null ? data.toJson() : before.data();
        return finish(generation, before, session,
                s -> TurnEnded.of(session.meta(), event.eventId(), s, before.channel(), null, session.events()),
                nextData, Handled.only(event.eventId()), event.trace(), event.eventId(), closedAt);
    }

    /**
     * Hands the session to the app user its channel identity has just been linked to ({@link InboundLinked}), on the
     * session's lane, in order with its messages, and says so in the conversation. From then on the channel identity's
     * messages, here and in its other sessions, are the app user's. A session of someone else by now is left as it is.
     */
    public CompletableFuture<Void> linked(InboundLinked linked, InboundPosition position) {
        String sessionId = linked.sessionId();
        identities.forget(linked.channelUserId());
        long generation = owned.generation();
        SessionState before = load(sessionId);
        PartitionFence.Lease lease = fence.lease(sessionId, position);
        lease.check(); // a turn taken before its partition moved away does not start: another replica runs it
        if (before == null) {
            LOG.infof("session %s does not exist; %s is linked to user %s all the same", sessionId, linked.channelUserId(),
                    linked.user().id());
            return DONE;
        }
        String owner = before.user().id();
        if (!owner.equals(linked.channelUserId()) && !owner.equals(linked.user().id())) {
            LOG.warnf("session %s belongs to user %s; the link of %s to %s is not announced in it", sessionId, owner,
                    linked.channelUserId(), linked.user().id());
            return DONE;
        }
        if (before.recentInbound().contains(linked.eventId())) {
            return DONE; // a redelivery
        }
        SessionState mine = new SessionState(before.sessionId(), linked.user(), before.channel(), before.createdAt(), before.version(),
                before.data(), before.history(), before.outboundSeq(), before.recentInbound(), before.closedAt(), before.handledUpTo());
        SessionData data = SessionData.of(mine.data());
        TurnSession session = standInTurn(linked, mine, data, lease);
        String who = linked.user().email() != null ? linked.user().email() : linked.user().id();
        session.reply("Linked: this conversation is now " + who + "'s, with their collections, connections and messages.");
        LOG.infof("session %s handed from %s to user %s, to whom it is linked", sessionId, linked.channelUserId(), linked.user().id());
        return finish(generation, mine, session,
                s -> TurnEnded.of(session.meta(), linked.eventId(), s, before.channel(), null, session.events()),
                data.toJson(), Handled.only(linked.eventId()), linked.trace(), linked.eventId(), mine.closedAt());
    }

    /**
     * A turn for an event that is not a user's message (a proactive message, a close, a due job): the event
     * stands in for an inbound message, which the history does not keep. Its events answer the event's id on
     * the session's own channel, with no route (no replica waits), so channel-adapters find the chat from the
     * session id.
     */
    private TurnSession standInTurn(CapsuleEvent event, SessionState before, SessionData data, PartitionFence.Lease lease) {
        InboundMessage as = new InboundMessage(event.eventId(), event.schemaVersion(), event.sessionId(), event.timestamp(),
                event.trace(), before.user(), before.channel(), "", null, null);
        TurnSession session = new TurnSession(as, data, before.history(), before.outboundSeq(), publisher, lease,
                collections.forTurn(before.user().ownerId(), event.sessionId(), event.trace(), event.eventId(), lease), historyPages,
                coalescing);
        session.useIntegrations(integrations.forTurn(session));
        return session;
    }

    /**
     * Cuts short every running turn whose partition this replica no longer holds (a rebalance, or a pause past the
     * group's deadline): another replica runs those sessions now, so their handlers stop here rather than go on
     * working, and calling out, for answers the fence would drop anyway. Turns still waiting on those lanes do
     * not start ({@code lease.check()} first thing).
     *
     * @return how many turns were cut short
     */
    public int stopTurnsWithoutLease() {
        int stopped = 0;
        for (TurnSession session : running.values()) {
            if (!session.lease().held()) {
                session.interrupt();
                stopped++;
            }
        }
        if (stopped > 0) {
            LOG.infof("cut short %d running turns whose partitions this replica no longer holds", stopped);
        }
        return stopped;
    }

    /**
     * Cuts short the turn {@code sessionId} is running, if any (the {@code interrupt} policy).
     *
     * @return whether a turn was running
     */
    public boolean interrupt(String sessionId) {
        TurnSession session = running.get(sessionId);
        if (session == null) {
            return false;
        }
        session.interrupt();
        return true;
    }

    /**
     * Stops the answer to {@code cancel.messageId()} if its turn is running now (the user's Stop):
     * the handler is interrupted and open streams end as cancelled, as under the {@code interrupt}
     * policy. A cancel from another user than the turn's, or for a turn already over or not yet
     * begun, changes nothing.
     *
     * @return whether a turn was stopped
     */
    public boolean cancel(InboundCancel cancel) {
        TurnSession session = running.get(cancel.sessionId());
        if (session == null || !session.inbound().eventId().equals(cancel.messageId())) {
            LOG.debugf("session %s: nothing to stop for message %s (its turn is not running)", cancel.sessionId(), cancel.messageId());
            return false;
        }
        if (!session.inbound().user().id().equals(cancel.user().id())) {
            LOG.warnf("session %s: user %s may not stop the turn of user %s; ignored", cancel.sessionId(),
                    cancel.user().id(), session.inbound().user().id());
            return false;
        }
        LOG.debugf("session %s: the user stopped the answer to message %s", cancel.sessionId(), cancel.messageId());
        session.interrupt();
        return true;
    }

    /**
     * What a turn handled: the ids it adds to those the state keeps, and, for a user's messages, where the last of
     * them sits in {@code capsule.inbound} (null keeps the position the state had).
     */
    private record Handled(List<String> ids, InboundPosition upTo) {

        static Handled only(String eventId) {
            return new Handled(List.of(eventId), null);
        }
    }

    /** A turn's next state, the bytes of the {@link StateChanged} announcing it (for Kafka), and its save (for Redis). */
    private record NextState(SessionState state, byte[] encoded, SessionStore.Save save) {
    }
}
