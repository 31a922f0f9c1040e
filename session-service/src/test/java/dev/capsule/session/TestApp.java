package dev.capsule.session;

import dev.capsule.sdk.Capsule;
import dev.capsule.sdk.CapsuleApp;
import dev.capsule.sdk.Message;
import dev.capsule.sdk.ReplyStream;
import dev.capsule.sdk.ScheduledJob;
import dev.capsule.sdk.Session;
import dev.capsule.sdk.db.ConflictException;
import dev.capsule.sdk.db.Document;
import dev.capsule.sdk.db.DocumentTooLargeException;
import dev.capsule.sdk.db.Query;
import dev.capsule.session.state.StoreUnavailableException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.microprofile.context.ManagedExecutor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The app session-service's tests run (capsule.app in the test profile): counts turns in the
 * session data and has commands that fail, stall, stream or close, to prove the runtime's promises;
 * its exit() answers what the closing session holds.
 */
@ApplicationScoped
public class TestApp implements CapsuleApp {

    /** Holds "/wait" turns until a test opens it. */
    static volatile CountDownLatch gate = new CountDownLatch(0);
    /** Sessions whose "/store-down-once" has met its outage already. */
    static final java.util.Set<String> STORE_DOWN_ONCE = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Sessions whose "/stream-varies" has run once already. */
    static final java.util.Set<String> STREAM_VARIES_RAN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** How many "/wait" turns are waiting at the gate now. */
    static final AtomicInteger waiting = new AtomicInteger();

    @Override
    public void onMessage(Session session, Message message) {
        int turn = session.data().getInt("turns", 0) + 1;
        session.data().put("turns", turn);
        String text = message.text();
        if (message.action().isPresent()) {
            // A press: what the handler acts on (the value), what the user saw (the label), what the history keeps.
            session.reply("pressed " + message.action().get().value() + " (" + message.action().get().label() + "); text "
                    + text + "; history " + session.history().recent().getLast().text());
        } else if (text.startsWith("/send-to ")) {
            // /send-to <session id> <text>: a proactive message into another conversation
            String[] a = text.split(" ", 3);
            session.sendTo(a[1], a[2]);
            session.reply("sent");
        } else if (text.startsWith("/remind ")) {
            // /remind <millis> <text>: a job due that much later
            String[] a = text.split(" ", 3);
            session.schedule("remind", Duration.ofMillis(Long.parseLong(a[1])), JsonNodeFactory.instance.objectNode().put("text", a[2]));
            session.reply("scheduled " + a[2]);
        } else if (text.startsWith("/remind-and-throw ")) {
            session.schedule("remind", Duration.ZERO, JsonNodeFactory.instance.objectNode().put("text", text.substring(18)));
            throw new IllegalStateException("the handler failed on purpose, after scheduling");
        } else if (text.equals("/background")) {
            // Work that outlives the turn: the managed executor hands it the session, on a pooled thread.
            oneThread().runAsync(() -> {
                Session current = Capsule.currentSession().orElseThrow();
                current.sendTo(current.id(), "background saw " + current.id() + " of " + current.user().id());
            });
            session.reply("started");
        } else if (text.equals("/plain-pool")) {
            // A pool whose thread was started during some turn, handed no session: it must not see one.
            session.reply("plain pool saw " + join(plainPool().submit(Helper::sessionIdOrNone)));
        } else if (text.equals("/hang")) {
            // A handler stuck on a call that never answers, which swallows the interrupt that ends it.
            try {
                Thread.sleep(Duration.ofMinutes(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            session.reply("woke up");
        } else if (text.equals("/bye")) {
            session.reply("Bye!");
            session.close();
        } else if (text.equals("/throw")) {
            throw new IllegalStateException("the handler failed on purpose");
        } else if (text.equals("/store-down-once")) {
            // As a collection read does while PostgreSQL is down: the runtime's call fails as an outage, once.
            session.reply("#" + turn + ": before the store");
            if (STORE_DOWN_ONCE.add(session.id())) {
                throw new StoreUnavailableException("PostgreSQL could not be read for a test",
                        new java.net.ConnectException("Connection refused"));
            }
            session.reply("#" + turn + ": after the store");
        } else if (text.equals("/stream-varies")) {
            // The same answer each run, but paced the first time (a chunk per write, past the coalescing window) and
            // at once afterwards (one chunk): what a model's timing does to a turn run again.
            boolean first = STREAM_VARIES_RAN.add(session.id());
            try (ReplyStream stream = session.streamReply()) {
                for (String word : List.of("a;", "b;", "c;")) {
                    stream.write(word);
                    if (first) {
                        pause(120);
                    }
                }
            }
            session.reply("#" + turn + ": after the stream");
        } else if (text.equals("/oversized-state")) {
            // A session state past what Kafka takes in one record: its StateChanged is refused, so the turn must fail.
            session.data().put("oversized", "x".repeat(2 * 1024 * 1024));
            session.reply("#" + turn + ": kept");
        } else if (text.equals("/oversized")) {
            // More than Kafka's client takes in one request (1 MiB): the turn fails however often it runs.
            session.reply("#" + turn + ": " + "x".repeat(2 * 1024 * 1024));
        } else if (text.equals("/wait")) {
            await();
            session.reply("#" + turn + ": waited");
        } else if (text.startsWith("/stream ")) {
            int chunks = Integer.parseInt(text.substring(8));
            try (ReplyStream stream = session.streamReply()) {
                for (int i = 0; i < chunks; i++) {
                    stream.write("c" + i + ";");
                }
            }
        } else if (text.equals("/slowstream")) {
            // A long answer, as a model gives it; stops when the turn is interrupted.
            try (ReplyStream stream = session.streamReply()) {
                for (int i = 0; i < 200 && !Thread.currentThread().isInterrupted(); i++) {
                    stream.write("s" + i + ";");
                    pause(20);
                }
            }
        } else if (text.startsWith("/doc-update ")) {
            // /doc-update <collection> <id> <expected version>
            String[] a = text.split(" ");
            try {
                Document d = session.db().collection(a[1]).update(a[2], Long.parseLong(a[3]),
                        JsonNodeFactory.instance.objectNode().put("by", session.user().id()));
                session.reply("updated to v" + d.version());
            } catch (ConflictException e) {
                session.reply("conflict at v" + e.currentVersion());
            } catch (NoSuchElementException e) {
                session.reply("no such document");
            }
        } else if (text.startsWith("/doc-get ")) {
            String[] a = text.split(" ");
            session.reply(session.db().collection(a[1]).get(a[2]).map(d -> "found v" + d.version()).orElse("none"));
        } else if (text.startsWith("/doc-find ")) {
            String[] a = text.split(" ");
            session.reply("found " + session.db().collection(a[1]).find(Query.all()).documents().size());
        } else if (text.startsWith("/doc-big ")) {
            try {
                session.db().collection("notes").insert(JsonNodeFactory.instance.objectNode()
                        .put("text", "x".repeat(Integer.parseInt(text.substring(9)))));
                session.reply("stored");
            } catch (DocumentTooLargeException e) {
                session.reply("refused: " + e.getMessage());
            }
        } else if (text.startsWith("/doc-bad ")) {
            try {
                session.db().collection(text.substring(9));
                session.reply("accepted");
            } catch (IllegalArgumentException e) {
                session.reply("refused: " + e.getMessage());
            }
        } else if (text.equals("/recent")) {
            // The history window the turn has at hand, oldest first.
            session.reply("#" + turn + ": " + String.join("|", session.history().recent().stream()
                    .map(h -> h.role() + ":" + h.text()).toList()));
        } else if (text.startsWith("/before ")) {
            // /before <message id> <how many>
            String[] a = text.split(" ");
            session.reply(String.join("|", session.history().before(a[1], Integer.parseInt(a[2])).stream()
                    .map(h -> h.role() + ":" + h.text()).toList()));
        } else if (text.startsWith("/integration ")) {
            String name = text.substring("/integration ".length());
            session.integrations().require(name).ifPresent(c -> session.reply("connected " + name + " token=" + c.accessToken()));
        } else if (text.startsWith("/disconnect ")) {
            session.reply("disconnected=" + session.integrations().disconnect(text.substring("/disconnect ".length())));
        } else if (text.equals("/me")) {
            session.reply("user=" + session.user().id() + " owner=" + session.user().ownerId() + " turn=" + turn);
        } else if (text.equals("/whoami")) {
            AtomicReference<String> inThread = new AtomicReference<>("none");
            Thread background = Thread.ofVirtual().start(Capsule.propagate(
                    () -> inThread.set(Capsule.currentSession().map(Session::id).orElse("none"))));
            join(background);
            session.reply("helper=" + Helper.sessionIdOrNone() + " thread=" + inThread.get());
        } else {
            session.reply("#" + turn + ": " + text);
        }
    }

    /** Says which integration was connected, with its token and the session current while it runs. */
    @Override
    public void onConnected(Session session, dev.capsule.sdk.Connection connection) {
        session.reply("onConnected " + connection.integration() + " token=" + connection.accessToken() + " current="
                + Helper.sessionIdOrNone());
    }

    /** A job came due: says which, with its text and the session current while it runs. */
    @Override
    public void onScheduled(Session session, ScheduledJob job) {
        session.reply("due: " + job.name() + " " + job.payload().path("text").asText() + " current="
                + Helper.sessionIdOrNone());
    }

    private static ManagedExecutor oneThread;
    private static ExecutorService plainPool;

    /** A managed executor of one thread, so that successive tasks share it. */
    static synchronized ManagedExecutor oneThread() {
        if (oneThread == null) {
            oneThread = ManagedExecutor.builder().maxAsync(1).build();
        }
        return oneThread;
    }

    /** A plain pool of one thread, created by whichever turn first asks for it. */
    private static synchronized ExecutorService plainPool() {
        if (plainPool == null) {
            plainPool = Executors.newSingleThreadExecutor();
        }
        return plainPool;
    }

    private static String join(Future<String> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (ExecutionException e) {
            return "failed: " + e.getCause();
        }
    }

    /** Says what the closing session holds: the turns its data counted, the history it has. */
    @Override
    public void exit(Session session) {
        session.reply("exit: turns=" + session.data().getInt("turns", 0) + " history=" + session.history().recent().size());
    }

    private static void await() {
        waiting.incrementAndGet();
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            waiting.decrementAndGet();
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Code deep in a call chain that was not handed the session. */
    static final class Helper {
        static String sessionIdOrNone() {
            return Capsule.currentSession().map(Session::id).orElse("none");
        }
    }
}
