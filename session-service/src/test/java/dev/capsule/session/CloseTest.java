package dev.capsule.session;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capsule.events.EventMeta;
import dev.capsule.events.InboundClose;
import dev.capsule.events.Reply;
import dev.capsule.events.SessionClosed;
import dev.capsule.events.SessionOpened;
import dev.capsule.events.Topics;
import dev.capsule.events.TraceContext;
import dev.capsule.events.TurnEnded;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.PostgresResource;
import dev.capsule.testing.RedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Closing a session: by the handler's session.close() or the user's InboundClose, exit() runs once per
 * close, after the messages accepted before it; the next message is a new life that runs enter() again.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class CloseTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    KafkaTestClient kafka;

    @BeforeEach
    void connect() {
        kafka = new KafkaTestClient(Topics.OUTBOUND, Topics.CHANGES);
    }

    @AfterEach
    void disconnect() {
        TestApp.gate = new CountDownLatch(0);
        kafka.close();
    }

    @Test
    void theHandlersCloseRepliesFirstThenRunsExitOnceAndTheNextMessageIsANewLife() {
        String s = "close-" + UUID.randomUUID();
        kafka.send(s, "u1", "hello");
        kafka.send(s, "u1", "/bye");
        await().atMost(WAIT).until(() -> kafka.of(s, SessionClosed.class).size() == 1);
        assertEquals(List.of("#1: hello", "Bye!", "exit: turns=2 history=4"), replies(s),
                "the turn's reply goes first; exit sees the data and history of the life it ends");
        assertEquals(SessionClosed.EXPLICIT, kafka.of(s, SessionClosed.class).getFirst().reason());

        kafka.send(s, "u1", "again");
        await().atMost(WAIT).until(() -> kafka.of(s, TurnEnded.class).size() == 3);
        assertEquals("#1: again", replies(s).getLast(), "the new life starts with empty data");
        assertEquals(2, kafka.of(s, SessionOpened.class).size(), "enter() ran again");
        assertEquals(1, kafka.of(s, SessionClosed.class).size());
    }

    @Test
    void theUsersCloseWaitsForTheMessageBeforeItAndASecondCloseRunsNoSecondExit() {
        String s = "close-" + UUID.randomUUID();
        TestApp.gate = new CountDownLatch(1);
        kafka.send(s, "u1", "/wait");
        await().atMost(WAIT).until(() -> TestApp.waiting.get() == 1);
        kafka.sendRaw(InboundClose.of(EventMeta.next(s, TraceContext.NONE), KafkaTestClient.user("mallory")));
        kafka.sendRaw(InboundClose.of(EventMeta.next(s, TraceContext.NONE), KafkaTestClient.user("u1")));
        kafka.sendRaw(InboundClose.of(EventMeta.next(s, TraceContext.NONE), KafkaTestClient.user("u1")));
        TestApp.gate.countDown();

        await().atMost(WAIT).until(() -> kafka.of(s, SessionClosed.class).size() == 1);
        kafka.send(s, "u1", "after");
        await().atMost(WAIT).until(() -> replies(s).contains("#1: after"));
        assertEquals(List.of("#1: waited", "exit: turns=1 history=2", "#1: after"), replies(s),
                "the message before the close was handled before exit(); another user's close and the second close did nothing");
        assertEquals(1, kafka.of(s, SessionClosed.class).size());
        assertEquals(2, kafka.of(s, SessionOpened.class).size());
    }

    @Test
    void aUserCloseAfterTheHandlersCloseRunsNoSecondExit() {
        String s = "close-" + UUID.randomUUID();
        kafka.send(s, "u1", "/bye");
        kafka.sendRaw(InboundClose.of(EventMeta.next(s, TraceContext.NONE), KafkaTestClient.user("u1")));
        kafka.send(s, "u1", "next");
        await().atMost(WAIT).until(() -> replies(s).contains("#1: next"));
        assertEquals(List.of("Bye!", "exit: turns=1 history=2", "#1: next"), replies(s));
        assertEquals(1, kafka.of(s, SessionClosed.class).size());
    }

    @Test
    void closingASessionNobodyWroteInDoesNothing() {
        String s = "close-" + UUID.randomUUID();
        kafka.sendRaw(InboundClose.of(EventMeta.next(s, TraceContext.NONE), KafkaTestClient.user("u1")));
        kafka.send(s, "u1", "first");
        await().atMost(WAIT).until(() -> replies(s).contains("#1: first"));
        assertEquals(List.of("#1: first"), replies(s));
        assertEquals(0, kafka.of(s, SessionClosed.class).size());
    }

    private List<String> replies(String s) {
        return kafka.of(s, Reply.class).stream().map(Reply::text).toList();
    }
}
