package dev.capsule.examples.assistant;

import dev.capsule.sdk.Action;
import dev.capsule.sdk.CapsuleApp;
import dev.capsule.sdk.Message;
import dev.capsule.sdk.Session;
import dev.capsule.sdk.blocks.ChoiceList;
import dev.capsule.sdk.blocks.TaskCard;
import dev.capsule.sdk.db.ConflictException;
import dev.capsule.sdk.db.Document;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a real assistant does, on every channel, with no network: it streams a model's answer
 * ({@link LocalModel}), remembers the user's name in the session's data, keeps the user's tasks in a collection
 * ({@link Tasks}), shows each task as a card, and handles the card's buttons as structured actions.
 *
 * <ul>
 *   <li>{@code my name is Ana}: remembered for this conversation ({@code session.data()});</li>
 *   <li>{@code remind me to <something>} (or {@code /task <something>}): a task, shown as a card with
 *       <em>Done</em> and <em>Snooze</em> buttons;</li>
 *   <li>{@code /tasks}: the tasks still to do, as a choice list whose press marks one done;</li>
 *   <li>anything else: the model's answer, streamed a token at a time.</li>
 * </ul>
 *
 * Run it with {@code ./capsule up --app examples/assistant}.
 */
@ApplicationScoped
public class AssistantApp implements CapsuleApp {

    static final String NAME = "name";
    static final String REMIND = "remind me to ";
    static final String TASK = "/task ";
    static final String DONE_PREFIX = "done:";
    static final String SNOOZE_PREFIX = "snooze:";

    private final LocalModel model;

    public AssistantApp(LocalModel model) {
        this.model = model;
    }

    @Override
    public void enter(Session session) {
        session.notify("Hi! I am a local assistant. Ask me anything, tell me \"my name is …\", "
                + "or say \"remind me to …\".");
    }

    @Override
    public void onMessage(Session session, Message message) {
        Optional<Action> pressed = message.action();
        if (pressed.isPresent()) {
            onPress(session, pressed.get());
            return;
        }
        String text = message.text().strip();
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.startsWith("my name is ")) {
            String name = text.substring("my name is ".length()).strip();
            session.data().put(NAME, name);
            session.reply("Nice to meet you, " + name + ".");
        } else if (lower.startsWith(REMIND)) {
            addTask(session, text.substring(REMIND.length()).strip());
        } else if (lower.startsWith(TASK)) {
            addTask(session, text.substring(TASK.length()).strip());
        } else if (lower.equals("/tasks")) {
            listTasks(session);
        } else {
            int open = Tasks.of(session).pending().size();
            session.streamReplyFrom(model.answer(text, session.data().getString(NAME), open));
        }
    }

    private void addTask(Session session, String title) {
        if (title.isEmpty()) {
            session.reply("What should I remind you of? Say \"remind me to call Ana\", for example.");
            return;
        }
        session.show(card(Tasks.of(session).add(title)));
    }

    private void listTasks(Session session) {
        List<Document> pending = Tasks.of(session).pending();
        if (pending.isEmpty()) {
            session.reply("Nothing to do. Say \"remind me to …\" to add a task.");
            return;
        }
        session.show(new ChoiceList("Your tasks; press one to mark it done:", pending.stream()
                .map(task -> new ChoiceList.Choice(Tasks.title(task), DONE_PREFIX + task.id())).toList()));
    }

    /** A press carries the value its button was given: what to do, and to which task. */
    private void onPress(Session session, Action action) {
        String value = action.value();
        String status = value.startsWith(DONE_PREFIX) ? Tasks.DONE : value.startsWith(SNOOZE_PREFIX) ? Tasks.SNOOZED : null;
        if (status == null) {
            session.reply("I do not know the button \"" + action.label() + "\" any more. Say /tasks to see your tasks.");
            return;
        }
        String id = value.substring(value.indexOf(':') + 1);
        Tasks tasks = Tasks.of(session);
        Optional<Document> task = tasks.get(id);
        if (task.isEmpty()) {
            session.reply("That task is gone. Say /tasks to see the others.");
            return;
        }
        if (Tasks.status(task.get()).equals(status)) {
            session.reply("\"" + Tasks.title(task.get()) + "\" is already " + status + ".");
            return;
        }
        try {
            Document updated = tasks.setStatus(task.get(), status);
            session.reply(status.equals(Tasks.DONE) ? "Done: \"" + Tasks.title(updated) + "\"." : "Snoozed: \"" + Tasks.title(updated) + "\". I will keep it on your list.");
            session.show(card(updated));
        } catch (ConflictException e) {
            // Another press (perhaps in another conversation) changed it first: say so, and show it as it is now.
            session.reply("That task changed meanwhile; here it is as it is now.");
            tasks.get(id).ifPresent(now -> session.show(card(now)));
        }
    }

    static TaskCard card(Document task) {
        String status = Tasks.status(task);
        List<TaskCard.Action> actions = status.equals(Tasks.DONE) ? List.of()
                : List.of(new TaskCard.Action("Done", DONE_PREFIX + task.id()), new TaskCard.Action("Snooze", SNOOZE_PREFIX + task.id()));
        return new TaskCard(Tasks.title(task), status, List.of(new TaskCard.Field("Added", task.createdAt().toString())), actions);
    }
}
