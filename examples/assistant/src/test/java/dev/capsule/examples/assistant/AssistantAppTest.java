package dev.capsule.examples.assistant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.sdk.Action;
import dev.capsule.sdk.Message;
import dev.capsule.sdk.blocks.ChoiceList;
import dev.capsule.sdk.blocks.TaskCard;
import dev.capsule.testkit.TestDb;
import dev.capsule.testkit.TestSession;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The assistant's handler alone, on the test kit's TestSession: no servers. */
class AssistantAppTest {

    final AssistantApp app = new AssistantApp(LocalModel.withTokenDelay(Duration.ZERO));

    @Test
    void streamsTheModelsAnswerAndUsesTheNameItWasTold() {
        TestSession session = TestSession.of("s1").user("ana");

        session.send(app, "my name is Ana");
        session.send(app, "what is a turn?");

        assertEquals(List.of("Nice to meet you, Ana."), session.replies());
        assertEquals("Ana", session.data().getString(AssistantApp.NAME).orElseThrow());
        String answer = session.streams().get(0).text();
        assertEquals(LocalModel.compose("what is a turn?", Optional.of("Ana"), 0), answer);
        assertTrue(answer.startsWith("Good question, Ana."), answer);
        assertTrue(session.streams().get(0).chunks().size() > 10, "a token at a time");
    }

    @Test
    void theModelPausesBetweenTokens() {
        long start = System.nanoTime();
        List<String> tokens = LocalModel.withTokenDelay(Duration.ofMillis(20)).answer("hello", Optional.empty(), 0)
                .collect().asList().await().atMost(Duration.ofSeconds(10));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(LocalModel.compose("hello", Optional.empty(), 0), String.join("", tokens));
        assertTrue(millis >= 20L * (tokens.size() - 1), tokens.size() + " tokens took " + millis + " ms");
    }

    @Test
    void aReminderIsATaskShownAsACardWhosePressMarksItDone() {
        TestSession session = TestSession.of("s1").user("ana");

        session.send(app, "remind me to call Bo");
        TaskCard card = assertInstanceOf(TaskCard.class, session.blocks().get(0));
        assertEquals("call Bo", card.title());
        assertEquals("open", card.status());
        TaskCard.Action done = card.actions().get(0);
        assertEquals("Done", done.label());

        session.send(app, press(done));

        assertEquals(List.of("Done: \"call Bo\"."), session.replies());
        TaskCard after = assertInstanceOf(TaskCard.class, session.blocks().get(1));
        assertEquals("done", after.status());
        assertEquals(List.of(), after.actions());

        session.send(app, press(done));
        assertEquals("\"call Bo\" is already done.", session.replies().get(1));
    }

    @Test
    void tasksBelongToTheUserInEveryConversationAndNotToOthers() {
        TestDb db = new TestDb();
        TestSession web = TestSession.of("web-1").user("ana").db(db);
        TestSession other = TestSession.of("web-2").user("ana").db(db);
        TestSession bo = TestSession.of("bo-1").user("bo").db(db);

        web.send(app, "/task water the plants");
        other.send(app, "/tasks");
        bo.send(app, "/tasks");

        ChoiceList list = assertInstanceOf(ChoiceList.class, other.blocks().get(0));
        assertEquals(List.of("water the plants"), list.choices().stream().map(ChoiceList.Choice::label).toList());
        assertEquals(List.of("Nothing to do. Say \"remind me to …\" to add a task."), bo.replies());

        other.send(app, "anything");
        assertTrue(other.streams().get(0).text().contains("You have 1 open task"), other.streams().get(0).text());
    }

    @Test
    void aChoicePressMarksThatTaskDoneAndAStaleButtonIsExplained() {
        TestSession session = TestSession.of("s1").user("ana");
        session.send(app, "/task one");
        session.send(app, "/task two");
        session.send(app, "/tasks");
        ChoiceList list = assertInstanceOf(ChoiceList.class, session.blocks().get(2));
        ChoiceList.Choice two = list.choices().stream().filter(c -> c.label().equals("two")).findFirst().orElseThrow();

        session.send(app, Message.pressed("m-press", new Action(two.value(), two.label()), Instant.now()));
        session.send(app, Message.pressed("m-stale", new Action("archive:42", "Archive"), Instant.now()));
        session.send(app, "/tasks");

        assertEquals("Done: \"two\".", session.replies().get(0));
        assertEquals("I do not know the button \"Archive\" any more. Say /tasks to see your tasks.", session.replies().get(1));
        ChoiceList now = assertInstanceOf(ChoiceList.class, session.blocks().get(4));
        assertEquals(List.of("one"), now.choices().stream().map(ChoiceList.Choice::label).toList());
    }

    private static Message press(TaskCard.Action button) {
        return Message.pressed("m-" + button.value(), new Action(button.value(), button.label()), Instant.now());
    }
}
