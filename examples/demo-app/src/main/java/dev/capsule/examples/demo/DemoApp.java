package dev.capsule.examples.demo;

import dev.capsule.sdk.CapsuleApp;
import dev.capsule.sdk.Message;
import dev.capsule.sdk.Session;
import dev.capsule.sdk.blocks.TaskCard;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;

/**
 * The demo app that {@code ./capsule up} runs. It shows every reply mode:
 * plain text is answered {@code #N: text} with N the turn number kept in the session's data;
 * {@code /stream} streams a fake model's answer; {@code /notify} sends a status, then a reply;
 * {@code /card} shows a task card.
 */
@ApplicationScoped
public class DemoApp implements CapsuleApp {

    static final String TURNS = "turns";

    @Override
    public void enter(Session session) {
        session.notify("Welcome! Try /stream, /notify or /card.");
    }

    @Override
    public void onMessage(Session session, Message message) {
        int turn = session.data().getInt(TURNS, 0) + 1;
        session.data().put(TURNS, turn);
        String text = message.text().strip();
        switch (text) {
            case "/stream" -> session.streamReplyFrom(FakeModel.answer("Streaming is how a model's answer reaches you as it is written"));
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

    /** A stand-in for a language model: emits an answer word by word, at a model's pace. */
    static final class FakeModel {

        private FakeModel() {
        }

        static Multi<String> answer(String sentence) {
            List<String> words = List.of((sentence + ", one token at a time, until the whole answer is there.").split(" "));
            return Multi.createFrom().ticks().every(Duration.ofMillis(15))
                    .select().first(words.size())
                    .map(i -> (i == 0 ? "" : " ") + words.get(i.intValue()));
        }
    }
}
