package dev.capsule.session.turn;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.events.EventMeta;
import dev.capsule.events.Topics;
import dev.capsule.events.InboundMessage;
import dev.capsule.events.TraceContext;
import dev.capsule.events.TurnEnded;
import dev.capsule.events.UserRef;
import dev.capsule.kafka.EventPublisher;
import dev.capsule.kafka.KafkaConnection;
import dev.capsule.sdk.SessionData;
import dev.capsule.testing.TestStack;
import dev.capsule.session.state.PartitionFence;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a session does once its turn has ended. A proactive message is never fire-and-forget:
 * during the turn, the turn waits for Kafka to have it; after the turn, its sender does, and
 * learns when Kafka did not take it. Answers of the turn itself are refused after it, saying
 * what to use instead. Kafka is the tests' real broker, which takes the turn's own events and
 * refuses a message over its request size: so a failure seen here is that message's.
 */
class SendAfterTurnTest {

    /** More than the producer's max.request.size (1 MB): Kafka never acknowledges it. */
    static final String REFUSED = "x".repeat(2 * 1024 * 1024);

    final EventPublisher kafka = new EventPublisher(KafkaConnection.to(TestStack.kafka().bootstrapServers()), "send-after-turn-test");
    final TurnSession session = newSession();

    TurnSession newSession() {
        return new TurnSession(InboundMessage.of(EventMeta.next("web-" + UUID.randomUUID(), TraceContext.NONE),
                new UserRef("ana", null, "ana"), "web", "hi", null), SessionData.empty(), List.of(), 0, kafka, holdingEverySession(), null, null,
                new StreamCoalescing(() -> Duration.ofMillis(50)));
    }

    /** The lease of a replica that holds the only partition there is, so every session's. */
    static PartitionFence.Lease holdingEverySession() {
        PartitionFence fence = new PartitionFence();
        fence.assigned(List.of(new TopicPartition(Topics.INBOUND, 0)), 1);
        return fence.lease("any", null);
    }

    /** Ends the turn as TurnRunner does, with its TurnEnded. */
    CompletableFuture<Void> endTheTurn() {
        return endTheTurn(session);
    }

    static CompletableFuture<Void> endTheTurn(TurnSession turn) {
        return turn.endTurn(s -> TurnEnded.of(turn.meta(), turn.inbound().eventId(), s, "web", null, turn.events()),
                lastSeq -> CompletableFuture.completedFuture(null));
    }

    @AfterEach
    void close() {
        kafka.close();
    }

    @Test
    void duringTheTurnTheTurnWaitsForKafka() {
        assertDoesNotThrow(() -> endTheTurn(newSession()).get(20, TimeUnit.SECONDS), "a turn of its own events only ends well");

        assertDoesNotThrow(() -> session.sendTo("web-2", REFUSED), "the handler is not told: the turn is");
        assertThrows(ExecutionException.class, () -> endTheTurn().get(20, TimeUnit.SECONDS),
                "the message's failed acknowledgement is the turn's: the turn fails and is run again");
    }

    @Test
    void afterTheTurnAnswersAreRefusedWithWhatToDoInstead() {
        endTheTurn();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> session.reply("late"));
        assertTrue(e.getMessage().contains("sendTo"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> session.notify("late"));
    }

    @Test
    void aStreamLeftOpenWhenTheTurnEndedIsClosedWithoutAnotherEventAndNewOnesAreRefused() {
        session.streamReply(); // opened, never written to nor ended: the handler failed, say
        endTheTurn();
        assertDoesNotThrow(session::interrupt, "a late Stop or newer message must not break on the closed turn");
        assertThrows(IllegalStateException.class, session::streamReply);
        assertThrows(IllegalStateException.class, () -> session.streamReplyFrom(subscriber -> { }));
    }

    @Test
    void afterTheTurnTheSenderWaitsAndLearnsOfAFailure() throws Exception {
        endTheTurn().get(20, TimeUnit.SECONDS);
        IllegalStateException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(IllegalStateException.class, () -> session.sendTo("web-2", REFUSED)));
        assertTrue(e.getMessage().contains("Kafka did not acknowledge"), e.getMessage());
    }
}
