package dev.capsule.session;

import dev.capsule.sdk.Capsule;
import dev.capsule.sdk.CapsuleApp;
import dev.capsule.sdk.Message;
import dev.capsule.sdk.ReplyStream;
import dev.capsule.sdk.Session;
import dev.capsule.sdk.db.ConflictException;
import dev.capsule.sdk.db.Document;
import dev.capsule.sdk.db.DocumentTooLargeException;
import dev.capsule.sdk.db.Query;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.NoSuchElementException;
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
        } else if (text.equals("/bye")) {
            session.reply("Bye!");
            session.close();
        } else if (text.equals("/throw")) {
            throw new IllegalStateException("the handler failed on purpose");
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
        } else if (text.startsWith("/before ")) {
            // /before <message id> <how many>
            String[] a = text.split(" ");
            session.reply(String.join("|", session.history().before(a[1], Integer.parseInt(a[2])).stream()
                    .map(h -> h.role() + ":" + h.text()).toList()));
        } else if (text.equals("/whoami")) {
            AtomicReference<String> inThread = new AtomicReference<>("none");
            Thread background = Thread.ofVirtual().start(
                    () -> inThread.set(Capsule.currentSession().map(Session::id).orElse("none")));
            join(background);
            session.reply("helper=" + Helper.sessionIdOrNone() + " thread=" + inThread.get());
        } else {
            session.reply("#" + turn + ": " + text);
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
