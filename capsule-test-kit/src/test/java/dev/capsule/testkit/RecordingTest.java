package dev.capsule.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.capsule.sdk.CapsuleApp;
import dev.capsule.sdk.HistoryEntry;
import dev.capsule.sdk.HistoryEntry.Role;
import dev.capsule.sdk.Message;
import dev.capsule.sdk.ReplyStream;
import dev.capsule.sdk.blocks.TaskCard;
import dev.capsule.testkit.TurnEvent.Chunk;
import dev.capsule.testkit.TurnEvent.Notify;
import dev.capsule.testkit.TurnEvent.Reply;
import dev.capsule.testkit.TurnEvent.SendTo;
import dev.capsule.testkit.TurnEvent.Show;
import dev.capsule.testkit.TurnEvent.StreamEnd;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RecordingTest {

    private static final TaskCard CARD = new TaskCard("Ship it", "open", List.of(new TaskCard.Field("Owner", "ana")), List.of());

    @Test
    void everyAnswerIsRecordedInTheOrderTheHandlerMadeIt() {
        TestSession session = TestSession.of("s1");
        CapsuleApp app = (s, m) -> {
            s.notify("thinking");
            try (ReplyStream stream = s.streamReply()) {
                stream.write("a");
                s.reply("between");
                stream.write("b");
            }
            s.show(CARD);
            s.sendTo("s2", "psst");
            s.reply("done");
        };

        List<TurnEvent> turn = session.send(app, "go");

        assertEquals(List.of(new Notify("thinking"), new Chunk(0, "a"), new Reply("between"), new Chunk(0, "b"),
                new StreamEnd(0), new Show(CARD), new SendTo("s2", "psst"), new Reply("done")), turn);
        assertEquals(turn, session.events());
        assertEquals(List.of("between", "done"), session.replies());
        assertEquals(List.of("thinking"), session.notifies());
        assertEquals(List.of(new RecordedStream(List.of("a", "b"), true)), session.streams());
        assertEquals("ab", session.streams().get(0).text());
        assertEquals(List.of(CARD), session.blocks());
        assertEquals(List.of(new SendTo("s2", "psst")), session.sentTo());
    }

    @Test
    void sendReturnsItsOwnTurnWhileTheSessionKeepsEveryTurn() {
        TestSession session = TestSession.of("s1");
        CapsuleApp echo = (s, m) -> s.reply("echo " + m.text());

        assertEquals(List.of(new Reply("echo one")), session.send(echo, "one"));
        assertEquals(List.of(new Reply("echo two")), session.send(echo, "two"));
        assertEquals(List.of("echo one", "echo two"), session.replies());
    }

    @Test
    void theHistoryKeepsMessagesRepliesStreamsAndBlocksButNotNotifies() {
        TestSession session = TestSession.of("s1").history(new HistoryEntry("old", Role.USER, "earlier", Instant.EPOCH));
        AtomicReference<List<HistoryEntry>> seenByHandler = new AtomicReference<>();

        session.send((s, m) -> {
            seenByHandler.set(s.history().recent());
            s.notify("looking");
            s.reply("r");
            try (ReplyStream stream = s.streamReply()) {
                stream.write("x");
                stream.write("y");
            }
            s.show(CARD);
        }, "hi");

        assertEquals(List.of("USER:earlier", "USER:hi"), lines(seenByHandler.get()));
        assertEquals("s1/in/1", seenByHandler.get().get(1).id());
        assertEquals(List.of("USER:earlier", "USER:hi", "APP:r", "APP:xy", "APP:" + CARD.fallbackText()),
                lines(session.history().recent()));
    }

    @Test
    void theRecentWindowHoldsTheLast50AndOlderPagesReachTheRest() {
        List<HistoryEntry> given = IntStream.rangeClosed(1, 60)
                .mapToObj(i -> new HistoryEntry("e" + i, Role.USER, "m" + i, Instant.EPOCH.plusSeconds(i))).toList();
        TestSession session = TestSession.of("s1").history(given);

        assertEquals(50, session.history().size());
        assertEquals("e11", session.history().recent().get(0).id());
        assertEquals(List.of("USER:m6", "USER:m7", "USER:m8", "USER:m9", "USER:m10"), lines(session.history().before("e11", 5)));
        assertEquals(List.of("USER:m8", "USER:m9", "USER:m10"), lines(session.history().older(3)));
        assertEquals(List.of(), session.history().before("no-such-message", 5));
        assertThrows(IllegalArgumentException.class, () -> session.history().before("e11", 0));
    }

    @Test
    void handedToCodeDirectlyTheSessionRecordsWithoutATurn() {
        TestSession session = TestSession.of("s1");
        CapsuleApp app = (s, m) -> s.reply("got " + m.text());

        app.onMessage(session, new Message("m1", "hi", Instant.now()));
        app.onMessage(session, new Message("m2", "again", Instant.now()));

        assertEquals(List.of("got hi", "got again"), session.replies());
        assertEquals(List.of("APP:got hi", "APP:got again"), lines(session.history().recent()));
    }

    @Test
    void answersAreCheckedAsTheRuntimeChecksThem() {
        TestSession session = TestSession.of("s1");
        assertThrows(IllegalArgumentException.class, () -> session.reply(null));
        assertThrows(IllegalArgumentException.class, () -> session.notify(null));
        assertThrows(IllegalArgumentException.class, () -> session.show(null));
        assertThrows(IllegalArgumentException.class, () -> session.sendTo(" ", "text"));
        assertThrows(IllegalArgumentException.class, () -> session.streamReplyFrom(null));
        assertEquals(List.of(), session.events());
    }

    private static List<String> lines(List<HistoryEntry> entries) {
        return entries.stream().map(e -> e.role() + ":" + e.text()).toList();
    }
}
