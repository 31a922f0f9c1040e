package dev.capsule.examples.demo;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.capsule.sdk.Action;
import dev.capsule.sdk.CapsuleApp;
import dev.capsule.sdk.Connection;
import dev.capsule.sdk.Message;
import dev.capsule.sdk.ScheduledJob;
import dev.capsule.sdk.Session;
import dev.capsule.sdk.blocks.TaskCard;
import dev.capsule.sdk.db.Collection;
import dev.capsule.sdk.db.Document;
import dev.capsule.sdk.db.Page;
import dev.capsule.sdk.db.Query;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The demo app that {@code ./capsule up} runs. It shows every reply mode:
 * plain text is answered {@code #N: text} with N the turn number kept in the session's data;
 * {@code /stream} streams a fake model's answer (23 words, 15 ms apart), {@code /stream <words> <per-second>}
 * (for example {@code /stream 300 30}) streams a long one of that many words at that pace;
 * {@code /notify} sends a status, then a reply;
 * {@code /card} shows a task card, whose buttons come back as actions ({@code done} is answered "Marked done.",
 * {@code snooze} "Snoozed."), not as text; {@code /remember <text>} stores a note in the owner's
 * collection, {@code /notes} lists them, newest first, {@code /summary} keeps and streams a
 * summary of them, and {@code /remind <seconds> <text>} schedules {@code <text>} into the session that many
 * seconds later (a job of the cluster's scheduler: a restart does not lose it);
 * {@code /github} shows a button to connect GitHub, and once connected answers "connected as <login>";
 * {@code /bye} says "Bye!" and closes the session, whose {@code exit()} keeps a note of it in the owner's
 * {@code closed-sessions} collection (at {@code /api/collections/closed-sessions}).
 * {@code /oversized reply} and {@code /oversized state} answer, or keep in the session's data, 2 MiB of text: more
 * than Kafka takes in one record, so the turn fails for a reason of its own, ends as {@code turn.failed} after its
 * tries, and the session goes on (a fault {@code ./capsule chaos} drills).
 */
@ApplicationScoped
public class DemoApp implements CapsuleApp {

    static final String TURNS = "turns";
    static final String NOTES = "notes";
    static final String CLOSED_SESSIONS = "closed-sessions";
    static final String REMINDER = "reminder";
    static final int MAX_REMIND_SECONDS = 7 * 24 * 3600;
    static final String REMIND_USAGE = "Usage: /remind <seconds> <text>, for example /remind 3 hello: seconds 0 to "
            + MAX_REMIND_SECONDS + ".";
    static final int MAX_STREAM_WORDS = 10_000;
    static final int MAX_WORDS_PER_SECOND = 1_000;
    static final int OVERSIZED_CHARS = 2 * 1024 * 1024;
    static final String STREAM_USAGE = "Usage: /stream <words> <per-second>, for example /stream 300 30:"
            + " words 1 to " + MAX_STREAM_WORDS + ", per-second 1 to " + MAX_WORDS_PER_SECOND
            + " (or /stream alone for a short answer).";

    @Override
    public void enter(Session session) {
        session.notify("Welcome! Try /stream, /notify, /card, /remember <text>, /notes, /remind 3 hello, /github or /bye.");
    }

    /** Keeps a note of the closed session, with the turns it had, for {@code /api/collections/closed-sessions}. */
    @Override
    public void exit(Session session) {
        session.db().collection(CLOSED_SESSIONS).insert(JsonNodeFactory.instance.objectNode()
                .put("sessionId", session.id()).put("turns", session.data().getInt(TURNS, 0)));
    }

    @Override
    public void onMessage(Session session, Message message) {
        int turn = session.data().getInt(TURNS, 0) + 1;
        session.data().put(TURNS, turn);
        if (message.action().isPresent()) {
            answerPress(session, message.action().get());
            return;
        }
        String text = message.text().strip();
        if (text.startsWith("/remind")) {
            remind(session, text.substring("/remind".length()).strip());
            return;
        }
        if (text.startsWith("/stream ")) {
            streamLong(session, text.substring("/stream ".length()).strip());
            return;
        }
        if (text.startsWith("/remember ")) {
            remember(session, text.substring("/remember ".length()).strip());
            return;
        }
        switch (text) {
            case "/notes" -> listNotes(session);
            case "/github" -> github(session);
            case "/oversized reply" -> session.reply("#" + turn + ": " + "x".repeat(OVERSIZED_CHARS));
            case "/oversized state" -> {
                session.data().put("oversized", "x".repeat(OVERSIZED_CHARS));
                session.reply("#" + turn + ": kept");
            }
            case "/summary" -> summarize(session);
            case "/bye" -> {
                session.reply("Bye!");
                session.close();
            }
            case "/stream" -> session.streamReplyFrom(FakeModel.answer(
                    "Streaming is how a model's answer reaches you as it is written, one token at a time, until the whole answer is there."));
            case "/notify" -> {
                session.notify("Looking that up…");
                session.reply("#" + turn + ": done looking");
            }
            case "/card" -> session.show(new TaskCard("Ship the demo", "open",
                    List.of(new TaskCard.Field("Turn", String.valueOf(turn)), new TaskCard.Field("Owner", session.user().id())),
                    List.of(new TaskCard.Action("Mark done", "done"), new TaskCard.Action("Snooze", "snooze"))));
            default -> session.reply("#" + turn + ": " + text);
        }
    }

    /** Who the user is on GitHub, once they have connected it; until then, the button to connect. */
    private static void github(Session session) {
        session.integrations().require("github")
                .ifPresent(github -> session.reply("connected as " + GitHubLogin.of(github)));
    }

    /** The user connected through the button {@code /github} showed: carry on with what they asked. */
    @Override
    public void onConnected(Session session, Connection connection) {
        if (connection.integration().equals("github")) {
            session.reply("connected as " + GitHubLogin.of(connection));
        }
    }

    /**
     * A press of one of the task card's buttons, decided by its value: typing "done" is not pressing
     * "Mark done", and a label may be reworded without changing what the button does.
     */
    private static void answerPress(Session session, Action pressed) {
        switch (pressed.value()) {
            case "done" -> session.reply("Marked done.");
            case "snooze" -> session.reply("Snoozed.");
            default -> session.reply("\"" + pressed.label() + "\" is not a button I know; try /card for a new card.");
        }
    }

    /**
     * {@code /remind <seconds> <text>}: answers now and schedules the reminder, which
     * {@link #onScheduled} says in this session when it is due, on whichever channel the session is.
     */
    private static void remind(Session session, String args) {
        String[] parts = args.split("\\s+", 2);
        int seconds = parts.length == 2 ? parse(parts[0]) : -1;
        if (seconds < 0 || seconds > MAX_REMIND_SECONDS || parts[1].isBlank()) {
            session.reply(REMIND_USAGE);
            return;
        }
        session.schedule(REMINDER, Duration.ofSeconds(seconds), JsonNodeFactory.instance.objectNode().put("text", parts[1].strip()));
        session.reply("I'll remind you in " + seconds + (seconds == 1 ? " second." : " seconds."));
    }

    /** A reminder that came due: its text, as a message of its own. */
    @Override
    public void onScheduled(Session session, ScheduledJob job) {
        if (REMINDER.equals(job.name())) {
            session.reply(job.payload().path("text").asText());
        }
    }

    /**
     * {@code /stream <words> <per-second>}: a long answer of generated words ({@code token1 token2 …}),
     * at a model's pace, for as long as it takes; anything malformed is answered with the usage.
     */
    private static void streamLong(Session session, String args) {
        String[] parts = args.split("\\s+");
        int words = parts.length == 2 ? parse(parts[0]) : -1;
        int perSecond = parts.length == 2 ? parse(parts[1]) : -1;
        if (words < 1 || words > MAX_STREAM_WORDS || perSecond < 1 || perSecond > MAX_WORDS_PER_SECOND) {
            session.reply(STREAM_USAGE);
            return;
        }
        session.streamReplyFrom(FakeModel.tokens(words, perSecond));
    }

    /** The number {@code text} spells in decimal digits, or -1. */
    private static int parse(String text) {
        if (text.isEmpty() || text.length() > 9 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Integer.parseInt(text);
    }

    /** Stores a note in the owner's "notes" collection, then counts them: the count includes it at once. */
    private static void remember(Session session, String note) {
        if (note.isEmpty()) {
            session.reply("What should I remember? Try /remember buy milk");
            return;
        }
        Collection notes = session.db().collection(NOTES);
        notes.insert(JsonNodeFactory.instance.objectNode().put("text", note));
        int count = notes.find(Query.all().limit(Query.MAX_LIMIT)).documents().size();
        session.reply("Noted: " + note + " (" + (count == Query.MAX_LIMIT ? count + "+" : count) + " notes)");
    }

    /** The owner's notes, newest first: the same in every session of the same user. */
    private static void listNotes(Session session) {
        Page page = session.db().collection(NOTES).find(Query.all().limit(50));
        if (page.documents().isEmpty()) {
            session.reply("No notes yet. Try /remember buy milk");
            return;
        }
        StringBuilder list = new StringBuilder("Your notes:");
        for (Document note : page.documents()) {
            list.append("\n- ").append(note.fields().path("text").asText());
        }
        session.reply(list.toString());
    }

    /**
     * Keeps a summary of the owner's notes as a note of its own, then streams it, as a model
     * would: a turn that both writes and streams.
     */
    private static void summarize(Session session) {
        Collection notes = session.db().collection(NOTES);
        List<String> texts = notes.find(Query.all().limit(50)).documents().stream()
                .map(d -> d.fields().path("text").asText()).toList();
        String summary = "Summary of " + texts.size() + " notes: " + String.join("; ", texts);
        notes.insert(JsonNodeFactory.instance.objectNode().put("text", summary).put("kind", "summary"));
        session.streamReplyFrom(FakeModel.answer(summary));
    }

    /**
     * A stand-in for a language model: emits an answer word by word, at a model's pace. One thread paces every answer,
     * and each word is emitted on it, as a real model's tokens arrive on its client's I/O thread. Mutiny's default
     * would take a scheduler thread and a worker of the pool per word, two thread wake-ups that a model answering
     * over the network does not cost, and the benchmark's streams would measure this fake model more than Capsule.
     */
    static final class FakeModel {

        private static final ScheduledExecutorService PACE = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("fake-model").daemon().factory());

        private FakeModel() {
        }

        static Multi<String> answer(String sentence) {
            List<String> words = List.of(sentence.split(" "));
            return Multi.createFrom().ticks().onExecutor(PACE).every(Duration.ofMillis(15))
                    .select().first(words.size())
                    .map(i -> (i == 0 ? "" : " ") + words.get(i.intValue()));
        }

        /** {@code token1 token2 … token<count>}, one word every 1/perSecond of a second. */
        static Multi<String> tokens(int count, int perSecond) {
            return Multi.createFrom().ticks().onExecutor(PACE).every(Duration.ofNanos(1_000_000_000L / perSecond))
                    .select().first(count)
                    .map(i -> (i == 0 ? "" : " ") + "token" + (i + 1));
        }
    }
}
