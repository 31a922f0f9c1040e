package dev.capsule.session.turn;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capsule.events.EventCodec;
import dev.capsule.events.EventMeta;
import dev.capsule.events.HistoryLine;
import dev.capsule.events.InboundMessage;
import dev.capsule.events.Notify;
import dev.capsule.events.OutboundEvent;
import dev.capsule.events.ProactiveMessage;
import dev.capsule.events.Reply;
import dev.capsule.events.Show;
import dev.capsule.events.StreamChunk;
import dev.capsule.events.StreamEnd;
import dev.capsule.events.Topics;
import dev.capsule.kafka.EventPublisher;
import dev.capsule.sdk.Channel;
import dev.capsule.sdk.History;
import dev.capsule.sdk.HistoryEntry;
import dev.capsule.sdk.Integrations;
import dev.capsule.sdk.ReplyStream;
import dev.capsule.sdk.Session;
import dev.capsule.sdk.SessionData;
import dev.capsule.sdk.User;
import dev.capsule.sdk.blocks.Block;
import dev.capsule.sdk.db.Db;
import dev.capsule.session.readmodel.HistoryPages;
import dev.capsule.session.state.PartitionFence;
import dev.capsule.session.schedule.JobRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongFunction;
import dev.capsule.session.state.StaleSessionException;
import org.jboss.logging.Logger;

/**
 * The {@link Session} a handler sees during one turn. Every reply becomes an outbound event
 * at once, numbered with the session's next {@code seq}; the turn keeps the Kafka
 * acknowledgements and the open streams, and ends only when all are done.
 */
final class TurnSession implements Session {

    private static final Logger LOG = Logger.getLogger(TurnSession.class);

    /** How long a message sent after its turn waits for Kafka: beyond the producer's 3 s wait for the broker, with room for its retries. */
    static final Duration AFTER_TURN_SEND_TIMEOUT = Duration.ofSeconds(10);

    private final InboundMessage inbound;
    private final User user;
    private final SessionData data;
    private final EventPublisher publisher;
    private final Db db;
    private final HistoryPages pages;
    private final StreamCoalescing coalescing;
    private final List<HistoryLine> history;
    private final List<CompletableFuture<Void>> acks = new ArrayList<>();
    private final List<CompletableFuture<Void>> streams = new ArrayList<>();
    private final List<Stream> openStreams = new ArrayList<>();
    private final List<Flow.Subscription> subscriptions = new ArrayList<>();
    private volatile Thread handlerThread;
    private volatile long handlerStartedNanos;
    private volatile boolean interrupted;
    private volatile boolean timedOut;
    /** Set while the turn's last event is sent, which a timed-out turn still sends (its TurnFailed). */
    private boolean ending;
    private volatile boolean closeRequested;
    private final List<JobRequest> jobs = new ArrayList<>();
    private int streamsOpened;
    /** The turn's events so far that are not stream chunks (guarded by this: they are built inside emit). */
    private int numbered;
    private int proactiveSent;
    private boolean turnOver; // guarded by this
    private long seq;
    private int events;
    /** The turn's right to act for the session: checked before each event leaves. */
    private final PartitionFence.Lease lease;
    private Integrations integrations;

    TurnSession(InboundMessage inbound, SessionData data, List<HistoryLine> history, long seq, EventPublisher publisher,
                PartitionFence.Lease lease, Db db, HistoryPages pages, StreamCoalescing coalescing) {
        this.inbound = inbound;
        this.lease = lease;
        this.coalescing = coalescing;
        this.pages = pages;
        this.db = db;
        this.user = new User(inbound.user().id(), inbound.user().email(), inbound.user().ownerId());
        this.data = data;
        this.history = new ArrayList<>(history);
        this.seq = seq;
        this.publisher = publisher;
    }

    @Override
    public String id() {
        return inbound.sessionId();
    }

    /** The turn's right to act for the session, to check before an effect of the turn's own. */
    PartitionFence.Lease lease() {
        return lease;
    }

    @Override
    public User user() {
        return user;
    }

    @Override
    public Channel channel() {
        return Channel.named(inbound.channel());
    }

    @Override
    public History history() {
        List<HistoryEntry> entries;
        synchronized (this) {
            entries = history.stream().map(h -> new HistoryEntry(h.id(), HistoryEntry.Role.valueOf(h.role().toUpperCase()),
                    h.text(), h.timestamp())).toList();
        }
        String sessionId = id();
        return new History() {
            @Override
            public List<HistoryEntry> recent() {
                return entries;
            }

            @Override
            public List<HistoryEntry> before(String messageId, int limit) {
                return pages.before(sessionId, messageId, limit);
            }
        };
    }

    @Override
    public SessionData data() {
        return data;
    }

    @Override
    public Db db() {
        return db;
    }

    /** Set by the runner once the turn's session exists: the prompt {@code require} shows is this session's. */
    void useIntegrations(Integrations integrations) {
        this.integrations = integrations;
    }

    @Override
    public Integrations integrations() {
        if (integrations == null) {
            return Session.super.integrations();
        }
        return integrations;
    }

    @Override
    public void reply(String text) {
        requireText(text, "reply");
        OutboundEvent e = emit(s -> Reply.of(meta(), inbound.eventId(), s, inbound.channel(), inbound.route(), text));
        remember(e.eventId(), text);
    }

    @Override
    public void sendTo(String sessionId, String text) {
        requireText(text, "sendTo");
        if (sessionId == null || sessionId.isBlank()) {
            throw new IllegalArgumentException("sendTo needs the id of the conversation to send to, as session.id() gave it there");
        }
        // Derived from this turn's message: a turn run again after a crash sends the same event, which the target drops.
        ProactiveMessage message = ProactiveMessage.of(EventMeta.derived(sessionId, inbound.trace(),
                inbound.eventId() + "/proactive/" + nextProactiveNumber()), inbound.user(), id(), text);
        long start = System.nanoTime();
        CompletableFuture<Void> ack = publisher.publish(Topics.INBOUND, message);
        if (!trackAckWhileRunning(ack)) {
            awaitAfterTurn(ack, sessionId, start);
        }
    }

    /**
     * A message sent after its turn ended (from a background task the turn started) has no turn
     * to wait for its acknowledgement; its sender waits instead, so that returning means Kafka
     * has it and a failure reaches the app rather than a log line.
     */
    private void awaitAfterTurn(CompletableFuture<Void> ack, String sessionId, long start) {
        try {
            // One deadline from before the send, which itself may have waited for the broker.
            long left = AFTER_TURN_SEND_TIMEOUT.toNanos() - (System.nanoTime() - start);
            ack.get(Math.max(0, left), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("sendTo " + sessionId + " failed: Kafka did not acknowledge the message within "
                    + AFTER_TURN_SEND_TIMEOUT.toSeconds() + " s (" + cause + "); it may or may not arrive, send it again if it must", cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("sendTo " + sessionId + " interrupted while waiting for Kafka; the message may or may not arrive", e);
        }
    }

    private synchronized int nextProactiveNumber() {
        return ++proactiveSent;
    }

    @Override
    public void notify(String text) {
        requireText(text, "notify");
        emit(s -> Notify.of(meta(), inbound.eventId(), s, inbound.channel(), inbound.route(), text));
    }

    @Override
    public ReplyStream streamReply() {
        requireTurnRunning();
        return new Stream();
    }

    @Override
    public void streamReplyFrom(Flow.Publisher<String> chunks) {
        if (chunks == null) {
            throw new IllegalArgumentException("streamReplyFrom needs a publisher of text chunks, not null");
        }
        requireTurnRunning();
        Stream stream = new Stream();
        chunks.subscribe(new Flow.Subscriber<>() {
            private Flow.Subscription subscription;

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                this.subscription = subscription;
                if (!keep(subscription)) {
                    subscription.cancel();
                    stream.end();
                    return;
                }
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(String chunk) {
                try {
                    stream.write(chunk);
                } catch (IllegalStateException e) {
                    // The turn has ended (it timed out) or the chunk was refused: the rest is not wanted.
                    // A subscriber may not throw (Reactive Streams 2.13), so the source is told by a cancel.
                    subscription.cancel();
                    stream.fail(e);
                }
            }

            @Override
            public void onError(Throwable failure) {
                stream.fail(failure);
            }

            @Override
            public void onComplete() {
                stream.end();
            }
        });
    }

    @Override
    public void show(Block block) {
        if (block == null) {
            throw new IllegalArgumentException("show needs a block, not null");
        }
        ObjectNode json = EventCodec.mapper().valueToTree(block);
        json.put("kind", block.kind());
        json.put("fallbackText", block.fallbackText());
        OutboundEvent e = emit(s -> Show.of(meta(), inbound.eventId(), s, inbound.channel(), inbound.route(), json));
        remember(e.eventId(), block.fallbackText());
    }

    /** Asks for the close; {@link TurnRunner} runs {@code exit()} once the handler is done. */
    @Override
    public void close() {
        // After the turn nothing would act on it: the close would be lost without a word.
        requireTurnRunning();
        closeRequested = true;
    }

    boolean closeRequested() {
        return closeRequested;
    }

    /** Kept until the handler is done; {@link TurnRunner} hands them to the scheduler only if the turn succeeds. */
    @Override
    public void scheduleAt(String name, Instant at, ObjectNode payload) {
        JobRequest request = new JobRequest(name, at, payload);
        synchronized (this) {
            requireTurnRunning();
            jobs.add(request);
        }
    }

    synchronized List<JobRequest> jobs() {
        return List.copyOf(jobs);
    }

    private static void requireText(String text, String what) {
        if (text == null) {
            throw new IllegalArgumentException(what + " needs a text, not null");
        }
    }

    /**
     * The envelope of the turn's next outbound event other than a stream chunk; call it once per event, as it is
     * built. Its id is derived from the message and the event's place among the turn's events that are not chunks,
     * not from its seq: a turn run again after a crash sends the same ids, even when its streams coalesce into
     * another number of chunks than the first run's (coalescing goes by time), which moves every seq after them.
     * The read model keeps an answer once per id, so the run again adds nothing to the history.
     */
    EventMeta meta() {
        return EventMeta.derived(inbound.sessionId(), inbound.trace(), inbound.eventId() + "/event/" + (++numbered));
    }

    /**
     * The envelope of a turn that is given up: derived from the message alone, apart from any event a run of it
     * may have sent before it failed.
     */
    EventMeta givenUpMeta() {
        return EventMeta.derived(inbound.sessionId(), inbound.trace(), inbound.eventId() + "/given-up");
    }

    /** The envelope of chunk {@code index} of stream {@code streamId}: chunks are not kept, so their ids need only be their own. */
    private EventMeta chunkMeta(String streamId, int index) {
        return EventMeta.derived(inbound.sessionId(), inbound.trace(), streamId + "/chunk/" + index);
    }

    /** Numbers and sends one outbound event; synchronized so that seq order is send order. */
    synchronized OutboundEvent emit(LongFunction<OutboundEvent> build) {
        // After the turn, its seq would be taken again by the next turn, and nothing would wait for Kafka to have it.
        requireTurnRunning();
        lease.check();
        OutboundEvent event = build.apply(++seq);
        events++;
        acks.add(publisher.publish(Topics.outboundFor(inbound.channel()), event));
        return event;
    }

    private synchronized void remember(String id, String text) {
        history.add(new HistoryLine(id, "app", text, java.time.Instant.now()));
    }

    private synchronized int nextStreamNumber() {
        return ++streamsOpened;
    }

    /** Marks the calling thread as the one running the handler, so that an interrupt can reach it. */
    void runningOn(Thread thread) {
        handlerStartedNanos = thread == null ? 0 : System.nanoTime();
        handlerThread = thread;
    }

    /** When the handler began, by {@link System#nanoTime()}; 0 while no handler runs. */
    long handlerStartedNanos() {
        return handlerStartedNanos;
    }

    /**
     * Ends a handler that ran past the turn's timeout: interrupts it as a newer message would, and
     * marks the turn failed, whatever the handler does next.
     */
    void timeOut() {
        timedOut = true;
        interrupt();
    }

    boolean timedOut() {
        return timedOut;
    }

    /**
     * Cuts the turn short because the user wrote again (the {@code interrupt} double-texting
     * policy): open streams end as cancelled, stream sources are cancelled, the handler's thread
     * is interrupted. The handler may finish what it was doing; nothing more is streamed.
     */
    void interrupt() {
        List<Stream> open;
        List<Flow.Subscription> sources;
        synchronized (this) {
            interrupted = true;
            open = List.copyOf(openStreams);
            sources = List.copyOf(subscriptions);
        }
        sources.forEach(Flow.Subscription::cancel);
        open.forEach(Stream::cancel);
        Thread thread = handlerThread;
        if (thread != null) {
            thread.interrupt();
        }
    }

    boolean wasInterrupted() {
        return interrupted;
    }

    private synchronized boolean keep(Flow.Subscription subscription) {
        if (interrupted) {
            return false;
        }
        subscriptions.add(subscription);
        return true;
    }

    /** Adds a Kafka acknowledgement the turn must wait for. */
    synchronized void trackAck(CompletableFuture<Void> ack) {
        acks.add(ack);
    }

    /** Makes {@code ack} the turn's to wait for, unless the turn has already ended ({@code false}). */
    private synchronized boolean trackAckWhileRunning(CompletableFuture<Void> ack) {
        if (turnOver) {
            return false;
        }
        acks.add(ack);
        return true;
    }

    /**
     * Ends the turn with its last event ({@code TurnEnded} or {@code TurnFailed}), at once: no
     * answer can come after it. Just before that event, {@code alongside} sends what rides with the
     * turn's end (its state change), given the seq the last event takes. Returns the acknowledgements
     * of every event of the turn, which the turn waits for; a message sent after this waits for its own
     * (see {@link #sendTo}).
     */
    synchronized CompletableFuture<Void> endTurn(LongFunction<OutboundEvent> last, LongFunction<CompletableFuture<Void>> alongside) {
        ending = true;
        // An event Kafka's client refused at once (too large, say) fails the turn: no end may tell the user it went
        // well. The state change goes first for that reason: a state too large for Kafka must fail the turn before its
        // end leaves, not after.
        if (acks.stream().noneMatch(CompletableFuture::isCompletedExceptionally)) {
            CompletableFuture<Void> sentAlongside = alongside.apply(seq + 1);
            acks.add(sentAlongside);
            if (!sentAlongside.isCompletedExceptionally()) {
                emit(last);
            }
        }
        turnOver = true;
        return allAcks();
    }

    private synchronized void requireTurnRunning() {
        if (timedOut && !ending) {
            throw new IllegalStateException("session " + id() + ": the turn of message " + inbound.eventId()
                    + " ran past capsule.session.turn-timeout and failed, so it cannot answer any more");
        }
        if (turnOver) {
            throw new IllegalStateException("session " + id() + ": the turn of message " + inbound.eventId()
                    + " has ended, so it cannot answer any more; to write into the conversation later (from a"
                    + " background task), use session.sendTo(session.id(), text)");
        }
    }

    private synchronized boolean turnIsOver() {
        return turnOver;
    }

    private synchronized void trackStream(CompletableFuture<Void> stream) {
        streams.add(stream);
    }

    /**
     * The streams the handler opened, done when each has ended. Not the acknowledgements of what was
     * sent: the turn's last event follows its replies at once, in their partition's order, so that one
     * request to Kafka carries them all, and the turn waits for every acknowledgement at its end.
     */
    synchronized CompletableFuture<Void> streamsEnded() {
        return CompletableFuture.allOf(streams.toArray(CompletableFuture[]::new));
    }

    /** Kafka's acknowledgements of every event sent so far. */
    private synchronized CompletableFuture<Void> allAcks() {
        return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new));
    }

    synchronized long seq() {
        return seq;
    }

    synchronized int events() {
        return events;
    }

    synchronized List<HistoryLine> history(int window) {
        return List.copyOf(history.subList(Math.max(0, history.size() - window), history.size()));
    }

    InboundMessage inbound() {
        return inbound;
    }

    /**
     * A streamed reply: the first write opens it, {@link #end()} closes it with the whole text. Writes
     * are coalesced ({@link StreamCoalescing}): the first goes at once, later ones wait for the
     * window since the last chunk sent and go together; the end sends what still waits first.
     */
    private final class Stream implements ReplyStream {

        private final String streamId = EventMeta.derived(id(), null, inbound.eventId() + "/stream/" + nextStreamNumber()).eventId();
        private final StringBuilder text = new StringBuilder();
        private final StringBuilder waiting = new StringBuilder();
        private final CompletableFuture<Void> finished = new CompletableFuture<>();
        private int chunks;
        private long nextChunkAt; // System.nanoTime() before which no chunk is sent
        private ScheduledFuture<?> flush;
        private boolean ended;
        private boolean cancelled;

        Stream() {
            trackStream(finished);
            synchronized (TurnSession.this) {
                openStreams.add(this);
            }
        }

        @Override
        public synchronized void write(String chunk) {
            if (ended && cancelled) {
                return; // the user wrote again and the stream was cut: the rest is not wanted
            }
            if (ended) {
                throw new IllegalStateException("this stream has ended: open a new one with session.streamReply()");
            }
            requireText(chunk, "a stream chunk");
            requireTurnRunning();
            text.append(chunk);
            waiting.append(chunk);
            if (flush != null) {
                return; // goes with the flush already due
            }
            long wait = nextChunkAt - System.nanoTime();
            if (chunks == 0 || wait <= 0) {
                sendWaiting();
            } else {
                flush = coalescing.after(wait, this::flushWaiting);
            }
        }

        /** The window has passed: sends what was written meanwhile, unless the stream or the turn is over. */
        private synchronized void flushWaiting() {
            flush = null;
            if (ended || waiting.isEmpty() || turnIsOver()) {
                return; // the end sent it, or the turn ended without it (its stream's end was not sent either)
            }
            try {
                sendWaiting();
            } catch (RuntimeException e) {
                LOG.warnf("session %s: a chunk of stream %s could not be sent: %s", id(), streamId, e.getMessage());
            }
        }

        private void sendWaiting() {
            int index = chunks++;
            String piece = waiting.toString();
            waiting.setLength(0);
            emit(s -> StreamChunk.of(chunkMeta(streamId, index), inbound.eventId(), s, inbound.channel(), inbound.route(), streamId, index, piece));
            // The window starts once the chunk has been built and handed over, so two chunks are never closer than it.
            nextChunkAt = System.nanoTime() + coalescing.windowNanos();
        }

        @Override
        public synchronized void end() {
            close(false);
            finished.complete(null);
        }

        synchronized void fail(Throwable failure) {
            if (cancelled) {
                return; // a source cancelled by an interrupt may report it as a failure
            }
            close(true);
            finished.completeExceptionally(failure);
        }

        synchronized void cancel() {
            if (!ended) {
                try {
                    close(true);
                } catch (StaleSessionException e) {
                    // Cut because its partition moved (the consumer's rebalance listener runs this): its end may not be
                    // sent, and the replica that holds the partition now runs the turn again. Thrown on, it reached
                    // the Kafka consumer as a failed rebalance callback.
                    LOG.debugf("session %s: stream %s cut without its end: %s", id(), streamId, e.getMessage());
                } finally {
                    cancelled = true;
                }
            }
            finished.complete(null);
        }

        private void close(boolean cancelled) {
            if (ended) {
                return;
            }
            ended = true;
            if (flush != null) {
                flush.cancel(false);
                flush = null;
            }
            synchronized (TurnSession.this) {
                openStreams.remove(this);
            }
            if (turnIsOver()) {
                return; // a stream left open when its turn ended (it failed or timed out): nothing more is sent
            }
            if (!waiting.isEmpty() && !cancelled) {
                sendWaiting(); // the chunks sent add up to the whole text
            }
            String whole = text.toString();
            OutboundEvent e = emit(s -> StreamEnd.of(meta(), inbound.eventId(), s, inbound.channel(), inbound.route(),
                    streamId, chunks, whole, cancelled));
            remember(e.eventId(), whole);
        }
    }
}
