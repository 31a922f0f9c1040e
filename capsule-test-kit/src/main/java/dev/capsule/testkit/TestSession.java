package dev.capsule.testkit;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capsule.sdk.Capsule;
import dev.capsule.sdk.CapsuleApp;
import dev.capsule.sdk.Channel;
import dev.capsule.sdk.Connection;
import dev.capsule.sdk.History;
import dev.capsule.sdk.HistoryEntry;
import dev.capsule.sdk.Message;
import dev.capsule.sdk.ReactiveCapsuleApp;
import dev.capsule.sdk.ReplyStream;
import dev.capsule.sdk.ScheduledJob;
import dev.capsule.sdk.Session;
import dev.capsule.sdk.SessionData;
import dev.capsule.sdk.User;
import dev.capsule.sdk.blocks.Block;
import dev.capsule.sdk.db.Db;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link Session} for unit tests: it records everything a handler does, in order, and
 * {@link #send(CapsuleApp, String) send} (or {@link #sendReactive sendReactive}) delivers a
 * message the way the Capsule runtime does, without Kafka, Redis or PostgreSQL. A handler's
 * behaviour is mostly what it says and in which order; this session keeps exactly that, so a
 * test can assert on it directly.
 *
 * <pre>{@code
 * TestDb db = new TestDb();
 * TestSession session = TestSession.of("s1").user("ana").channel(Channel.named("telegram")).db(db);
 *
 * List<TurnEvent> turn = session.send(new GreetingApp(), "hello");
 *
 * assertEquals(List.of(new TurnEvent.Reply("Hello, ana!")), turn);
 * assertEquals(1, session.data().getInt("greetings", 0));
 * assertEquals(2, session.history().size());      // the message and the reply
 * }</pre>
 *
 * <h2>What a turn does, as in the runtime</h2>
 * <ul>
 *   <li>The message joins the history first; the handler sees it in {@code history().recent()}.</li>
 *   <li>{@code enter} runs once, before the session's first message, unless the session is
 *       {@link #resumed()}.</li>
 *   <li>{@link Capsule#currentSession()} is this session while the hooks run, and in tasks they
 *       hand it to ({@link Capsule#propagate}); a thread they merely start does not inherit it.</li>
 *   <li>The turn ends when the hooks have returned and every stream they opened has ended.
 *       After it, {@code reply}, {@code notify}, {@code show} and streams throw
 *       {@link IllegalStateException}; {@code sendTo} still works, as from a background task.</li>
 *   <li>Replies, ended streams (their whole text) and blocks (their fallback text) join the
 *       history; notifies do not.</li>
 *   <li>A failed turn keeps what was said but not its changes to {@link #data()}, and
 *       {@code send} throws {@link TurnFailedException}.</li>
 *   <li>{@code session.close()} runs {@code exit()} after the handler, in the same turn, once; so does
 *       {@link #closeByUser}, as a turn of its own. The next message is a new life: {@code enter}
 *       runs again, the data starts empty, the history goes on.</li>
 *   <li>{@code schedule(...)} keeps a job once its turn succeeds ({@link #scheduled()});
 *       {@link #runScheduled} runs the jobs through {@code onScheduled}, each a turn of its own,
 *       without waiting for their time.</li>
 *   <li>{@link #integrations()} holds the user's connections, which the test gives with
 *       {@link TestIntegrations#connect}; {@code require} of a missing one shows the connect prompt.
 *       {@link #connectByUser} connects as the user does after that prompt, and runs {@code onConnected}
 *       as a turn of its own.</li>
 * </ul>
 * Unlike the runtime, {@link #streamReplyFrom} drains its publisher before it returns, so that
 * a stream's chunks sit in the events where the handler asked for them. {@code sendTo} is only
 * recorded: the receiving conversation is another session's test.
 *
 * <p>Before the kit delivers its first message, the session may also be handed to code under
 * test directly; it answers and records the same way, but runs no hooks and keeps no user message.
 * Configure it ({@code user}, {@code channel}, {@code data}, {@code history}, {@code db},
 * {@code resumed}, {@code timeout}) before its first {@code send}.
 */
public final class TestSession implements Session {

    /** The user a session has unless {@link #user(String)} names another. */
    public static final String DEFAULT_USER = "test-user";

    /** How long a turn may wait for its streams, publishers and {@code Uni}s unless {@link #timeout} says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final String id;
    private final TestHistory history = new TestHistory();
    private final Transcript transcript;
    private User user = new User(DEFAULT_USER, null, DEFAULT_USER);
    private Channel channel = Channel.WEB;
    private SessionData data = SessionData.empty();
    private TestDb db;
    private Duration timeout = DEFAULT_TIMEOUT;
    private boolean entered;
    private int delivered;
    private int closes;
    private int connects;
    private volatile boolean closeRequested;
    private boolean closed;
    /** The running turn's jobs, kept only if it succeeds. */
    private final List<ScheduledJob> requested = new ArrayList<>();
    private final List<ScheduledJob> scheduled = new ArrayList<>();
    private RuntimeException exitFailure;
    private final TestIntegrations integrations;

    private TestSession(String id) {
        this.id = id;
        this.transcript = new Transcript(id, history);
        this.integrations = new TestIntegrations(this::show);
    }

    /** A new session {@code id} of {@link #DEFAULT_USER} on the web chat, with empty data, history and collections. */
    public static TestSession of(String id) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a session needs an id, such as \"s1\"");
        }
        return new TestSession(id);
    }


    /** Makes the session's user {@code userId}, owner of its own collections ({@code ownerId} the same), with no email. */
    public TestSession user(String userId) {
        if (userId == null || userId.isBlank()) {
            throw new IllegalArgumentException("a user needs an id, such as \"ana\"");
        }
        return user(new User(userId, null, userId));
    }

    /** Makes the session's user {@code user}: its {@code ownerId} scopes {@link #db()}. */
    public TestSession user(User user) {
        requireConfigurable();
        this.user = Objects.requireNonNull(user, "user");
        return this;
    }

    /** Puts the conversation on {@code channel}, for example {@code Channel.named("telegram")}. */
    public TestSession channel(Channel channel) {
        requireConfigurable();
        this.channel = Objects.requireNonNull(channel, "channel");
        return this;
    }

    /** Starts the session with a copy of {@code data}, as a session resumed with saved state would be. */
    public TestSession data(SessionData data) {
        requireConfigurable();
        this.data = SessionData.of(Objects.requireNonNull(data, "data").toJson());
        return this;
    }

    /** Adds {@code entries}, oldest first, to the history the first turn starts from. */
    public TestSession history(HistoryEntry... entries) {
        return history(List.of(entries));
    }

    /** Adds {@code entries}, oldest first, to the history the first turn starts from. */
    public TestSession history(List<HistoryEntry> entries) {
        requireConfigurable();
        entries.forEach(history::add);
        history.endTurn(); // saved state keeps only the recent window, as the runtime's does
        return this;
    }

    /**
     * Keeps the session's collections in {@code db}. Sessions that share one {@code TestDb} see
     * the same documents when their users have the same {@code ownerId}, and never each other's
     * otherwise. Without it, the session has a {@code TestDb} of its own.
     */
    public TestSession db(TestDb db) {
        requireConfigurable();
        this.db = Objects.requireNonNull(db, "db");
        return this;
    }

    /** Says the session existed before the test: its first message does not run {@code enter}. */
    public TestSession resumed() {
        requireConfigurable();
        this.entered = true;
        return this;
    }

    /** How long a turn may wait for its streams, publishers and {@code Uni}s before it fails. */
    public TestSession timeout(Duration timeout) {
        requireConfigurable();
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("a timeout must be positive, not " + timeout);
        }
        this.timeout = timeout;
        return this;
    }

    private void requireConfigurable() {
        if (delivered > 0) {
            throw new IllegalStateException("session " + id + " has handled a message already: configure it before its first send");
        }
    }


    /**
     * Delivers a user message with {@code text} to {@code app}, as the runtime does (see the
     * class description), and waits for the turn to end.
     *
     * @return what the turn said, in order
     * @throws TurnFailedException when the turn failed
     */
    public List<TurnEvent> send(CapsuleApp app, String text) {
        return send(app, nextMessage(text));
    }

    /** Delivers {@code message} to {@code app}; for a test that needs its id or timestamp. */
    public List<TurnEvent> send(CapsuleApp app, Message message) {
        return deliver(Objects.requireNonNull(app, "app"), message);
    }

    /**
     * Delivers a user message with {@code text} to a reactive app, as {@link #send(CapsuleApp, String)}
     * does, awaiting each {@code Uni} its hooks return. A name of its own, because a lambda such
     * as {@code (s, m) -> s.reply("hi")} fits both app types and an overload would be ambiguous.
     */
    public List<TurnEvent> sendReactive(ReactiveCapsuleApp app, String text) {
        return sendReactive(app, nextMessage(text));
    }

    /** Delivers {@code message} to a reactive app, awaiting its {@code Uni}s. */
    public List<TurnEvent> sendReactive(ReactiveCapsuleApp app, Message message) {
        return deliver(new AwaitingApp(Objects.requireNonNull(app, "app"), timeout), message);
    }

    private Message nextMessage(String text) {
        return new Message(id + "/in/" + (delivered + 1), text, Instant.now());
    }

    private List<TurnEvent> deliver(CapsuleApp app, Message message) {
        if (message == null || message.id() == null || message.text() == null) {
            throw new IllegalArgumentException("a message needs an id and a text, not " + message);
        }
        int start = transcript.beginTurn(message.id());
        delivered++;
        closeRequested = false;
        if (closed) {
            // A new life, as in the runtime: enter() again, empty data, the history goes on.
            closed = false;
            entered = false;
            data = SessionData.empty();
        }
        history.add(new HistoryEntry(message.id(), HistoryEntry.Role.USER, message.text(), message.timestamp()));
        return runTurn(start, message, () -> {
            if (!entered) {
                entered = true; // a session is created once, even when its enter fails
                Capsule.runWith(this, () -> app.enter(this));
            }
            Capsule.runWith(this, () -> app.onMessage(this, message));
        }, app);
    }

    /**
     * Runs a turn's hooks, then the streams, the close and the jobs it asked for; a failed turn keeps
     * none of them, nor its data changes.
     */
    private List<TurnEvent> runTurn(int start, Message message, Runnable hooks, CapsuleApp app) {
        ObjectNode dataBefore = data.toJson();
        requested.clear();
        closeRequested = false;
        Throwable failure = null;
        try {
            Capsule.runWith(this, hooks);
            awaitStreams();
            if (closeRequested && !closed && !transcript.failedFromTheSide()) {
                exit(app);
            }
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        Throwable sideFailure = transcript.endTurn();
        failure = failure != null ? failure : sideFailure;
        List<TurnEvent> events = transcript.eventsSince(start);
        if (failure != null) {
            data = SessionData.of(dataBefore);
            requested.clear();
            throw new TurnFailedException(message, failure, events);
        }
        scheduled.addAll(requested);
        requested.clear();
        return events;
    }

    /**
     * Closes the session as its user does ({@code DELETE /api/sessions/{id}} or the chat's close frame):
     * runs {@code app.exit()} as a turn of its own, unless the session is closed already or has had no
     * message yet, where the runtime does nothing either.
     *
     * @return what {@code exit()} said, after a {@link TurnEvent.Closed}; empty when nothing was closed
     */
    public List<TurnEvent> closeByUser(CapsuleApp app) {
        Objects.requireNonNull(app, "app");
        if (closed || delivered == 0) {
            return List.of();
        }
        int start = transcript.beginTurn(id + "/close/" + (closes + 1));
        exit(app);
        Throwable sideFailure = transcript.endTurn();
        if (sideFailure != null && exitFailure == null) {
            exitFailure = new IllegalStateException(sideFailure);
        }
        return transcript.eventsSince(start);
    }

    /** {@link #closeByUser(CapsuleApp)} for a reactive app, awaiting the {@code Uni} its exit returns. */
    public List<TurnEvent> closeByUserReactive(ReactiveCapsuleApp app) {
        return closeByUser(new AwaitingApp(Objects.requireNonNull(app, "app"), timeout));
    }

    /**
     * Runs {@code exit()} and closes the session. As in the runtime, its exception does not fail the
     * turn and the session closes all the same: the kit keeps it in {@link #exitFailure()}.
     */
    private void exit(CapsuleApp app) {
        closes++;
        transcript.closing();
        try {
            Capsule.runWith(this, () -> app.exit(this));
            awaitStreams();
        } catch (RuntimeException e) {
            exitFailure = e;
        }
        closed = true;
    }

    /** Whether the session is closed now: its next message starts a new life (see {@link Session#close()}). */
    public boolean closed() {
        return closed;
    }

    /** How many times the session was closed, that is how many times {@code exit()} ran. */
    public int closes() {
        return closes;
    }

    /** What the last {@code exit()} that failed threw, or null: the runtime logs it and closes all the same. */
    public RuntimeException exitFailure() {
        return exitFailure;
    }

    private void awaitStreams() {
        try {
            transcript.streamsEnded().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("a stream was still open " + timeout + " after the handler returned: end"
                    + " every stream (ReplyStream.end(), or try-with-resources); the runtime would wait for it until"
                    + " the turn timed out, then fail the turn");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the turn's streams to end", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause()); // streams only ever complete normally
        }
    }


    @Override
    public String id() {
        return id;
    }

    @Override
    public User user() {
        return user;
    }

    @Override
    public Channel channel() {
        return channel;
    }

    /** The given entries, the messages delivered through the kit and what was answered to them. */
    @Override
    public History history() {
        return history;
    }

    /** The session's data as the last turn left it: a failed turn's changes are rolled back. */
    @Override
    public SessionData data() {
        return data;
    }

    /** The collections of {@code user().ownerId()} in this session's {@link TestDb}. */
    @Override
    public synchronized Db db() {
        if (db == null) {
            db = new TestDb();
        }
        return db.owner(user.ownerId());
    }

    /** The user's connections, which the test gives with {@link TestIntegrations#connect}; see {@link TestIntegrations}. */
    @Override
    public TestIntegrations integrations() {
        return integrations;
    }

    @Override
    public void reply(String text) {
        transcript.reply(text);
    }

    @Override
    public void notify(String text) {
        transcript.notify(text);
    }

    @Override
    public ReplyStream streamReply() {
        return transcript.openStream();
    }

    /** Subscribes to {@code chunks} and returns once it completes; a source that fails or takes too long fails the turn. */
    @Override
    public void streamReplyFrom(Flow.Publisher<String> chunks) {
        if (chunks == null) {
            throw new IllegalArgumentException("streamReplyFrom needs a publisher of text chunks, not null");
        }
        Throwable failure = PublisherDrain.drain(chunks, transcript.openStream(), timeout);
        if (failure != null) {
            transcript.fail(failure);
        }
    }

    @Override
    public void show(Block block) {
        transcript.show(block);
    }

    /**
     * Asks for the close the runtime makes once the turn is over: {@code send} then runs the app's
     * {@code exit()} after the handler, in the same turn, and records a {@link TurnEvent.Closed} before
     * what it says. A failed turn does not close.
     */
    @Override
    public void close() {
        transcript.requireOpenTurn();
        closeRequested = true;
    }

    /** Keeps the job until the turn ends; a failed turn drops it, as in the runtime. See {@link #runScheduled}. */
    @Override
    public void scheduleAt(String name, Instant at, ObjectNode payload) {
        ScheduledJob.check(name, at, payload);
        transcript.requireOpenTurn();
        requested.add(new ScheduledJob(name, payload == null ? JsonNodeFactory.instance.objectNode() : payload.deepCopy(), at, false));
    }

    /** The jobs scheduled by turns that succeeded and not run yet, soonest first. */
    public List<ScheduledJob> scheduled() {
        return scheduled.stream().sorted(java.util.Comparator.comparing(ScheduledJob::dueAt)).toList();
    }

    /**
     * Runs every job in {@link #scheduled()}, soonest first, without waiting for its time: each is a
     * turn of its own through {@code app.onScheduled}, with the session current, as the runtime runs it
     * when it is due. A closed session runs it without a new life. Jobs these turns schedule wait for
     * the next call.
     *
     * @return what the jobs' turns said, in order
     * @throws TurnFailedException when a job's turn failed (the runtime logs it and goes on)
     */
    public List<TurnEvent> runScheduled(CapsuleApp app) {
        Objects.requireNonNull(app, "app");
        List<ScheduledJob> due = scheduled();
        scheduled.clear();
        int mark = transcript.events().size();
        for (ScheduledJob job : due) {
            Message stand = new Message(id + "/due/" + job.name() + "/" + job.dueAt(), "", job.dueAt());
            runTurn(transcript.beginTurn(stand.id()), stand, () -> app.onScheduled(this, job), app);
        }
        return transcript.eventsSince(mark);
    }

    /** {@link #runScheduled(CapsuleApp)} for a reactive app, awaiting the {@code Uni} its onScheduled returns. */
    public List<TurnEvent> runScheduledReactive(ReactiveCapsuleApp app) {
        return runScheduled(new AwaitingApp(Objects.requireNonNull(app, "app"), timeout));
    }

    /**
     * Connects {@code name} with {@code accessToken} as the user does by following the prompt {@code require} showed;
     * see {@link #connectByUser(CapsuleApp, Connection)}.
     */
    public List<TurnEvent> connectByUser(CapsuleApp app, String name, String accessToken) {
        Objects.requireNonNull(app, "app");
        return connectByUser(app, integrations.connect(name, accessToken));
    }

    /**
     * Connects as the user does by following the prompt {@code require} showed: the user has {@code connection} from
     * then on, and {@code app.onConnected} runs with it as a turn of its own, with the session current, as the runtime
     * runs it once the provider has sent the user back. A closed session runs it without a new life. A session that has
     * had no message yet runs nothing, as in the runtime, where it does not exist yet; the connection stands all the same.
     *
     * @return what {@code onConnected} said; empty when nothing ran
     * @throws TurnFailedException when {@code onConnected} failed (the runtime logs it; the connection stands)
     */
    public List<TurnEvent> connectByUser(CapsuleApp app, Connection connection) {
        Objects.requireNonNull(app, "app");
        integrations.connect(connection);
        if (delivered == 0) {
            return List.of();
        }
        Message stand = new Message(id + "/connected/" + connection.integration() + "/" + ++connects, "", Instant.now());
        return runTurn(transcript.beginTurn(stand.id()), stand, () -> app.onConnected(this, connection), app);
    }

    /** {@link #connectByUser(CapsuleApp, String, String)} for a reactive app, awaiting the {@code Uni} its onConnected returns. */
    public List<TurnEvent> connectByUserReactive(ReactiveCapsuleApp app, String name, String accessToken) {
        return connectByUser(new AwaitingApp(Objects.requireNonNull(app, "app"), timeout), name, accessToken);
    }

    /** {@link #connectByUser(CapsuleApp, Connection)} for a reactive app, awaiting the {@code Uni} its onConnected returns. */
    public List<TurnEvent> connectByUserReactive(ReactiveCapsuleApp app, Connection connection) {
        return connectByUser(new AwaitingApp(Objects.requireNonNull(app, "app"), timeout), connection);
    }

    /** Records the message; delivering it is the receiving session's business. */
    @Override
    public void sendTo(String sessionId, String text) {
        transcript.sendTo(sessionId, text);
    }


    /** Everything the session said, over all its turns, in order. */
    public List<TurnEvent> events() {
        return transcript.events();
    }

    /** The texts of the replies, in order. */
    public List<String> replies() {
        return eventsOf(TurnEvent.Reply.class).stream().map(TurnEvent.Reply::text).toList();
    }

    /** The texts of the notifies, in order. */
    public List<String> notifies() {
        return eventsOf(TurnEvent.Notify.class).stream().map(TurnEvent.Notify::text).toList();
    }

    /** The streams opened, in order: {@link TurnEvent.Chunk#stream()} is a place in this list. */
    public List<RecordedStream> streams() {
        return transcript.streams();
    }

    /** The blocks shown, in order. */
    public List<Block> blocks() {
        return eventsOf(TurnEvent.Show.class).stream().map(TurnEvent.Show::block).toList();
    }

    /** The proactive messages sent, in order. */
    public List<TurnEvent.SendTo> sentTo() {
        return eventsOf(TurnEvent.SendTo.class);
    }

    private <T extends TurnEvent> List<T> eventsOf(Class<T> kind) {
        return events().stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    @Override
    public String toString() {
        return "TestSession[" + id + ", user " + user.id() + ", " + events().size() + " events]";
    }
}
