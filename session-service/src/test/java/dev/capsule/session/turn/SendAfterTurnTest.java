package dev.capsule.session.turn;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.events.EventMeta;
import dev.capsule.events.InboundMessage;
import dev.capsule.events.TraceContext;
import dev.capsule.events.TurnEnded;
import dev.capsule.events.UserRef;
import dev.capsule.kafka.EventPublisher;
import dev.capsule.kafka.KafkaConnection;
import dev.capsule.sdk.SessionData;
import dev.capsule.testing.Ports;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a session does once its turn has ended. A proactive message is never fire-and-forget:
 * during the turn, the turn waits for Kafka to have it; after the turn, its sender does, and
 * learns when Kafka did not take it. Answers of the turn itself are refused after it, saying
 * what to use instead. Here Kafka is a port nothing listens on, so no acknowledgement ever comes.
 */
class SendAfterTurnTest {

    final EventPublisher unreachable = new EventPublisher(KafkaConnection.to("127.0.0.1:" + Ports.free()), "send-after-turn-test");
    final TurnSession session = new TurnSession(
            InboundMessage.of(EventMeta.next("web-1", TraceContext.NONE), new UserRef("ana", null, "ana"), "web", "hi", null),
            SessionData.empty(), List.of(), 0, unreachable, null, null);

    /** Ends the turn as TurnRunner does, with its TurnEnded. */
    CompletableFuture<Void> endTheTurn() {
        return session.endTurn(s -> TurnEnded.of(session.meta(s), session.inbound().eventId(), s, "web", null, session.events()));
    }

    @AfterEach
    void close() {
        unreachable.close();
    }

    @Test
    void duringTheTurnTheTurnWaitsForKafka() {
        session.sendTo("web-2", "report ready");
        assertTrue(endTheTurn().isCompletedExceptionally(),
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
    void afterTheTurnTheSenderWaitsAndLearnsOfAFailure() {
        endTheTurn();
        IllegalStateException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(IllegalStateException.class, () -> session.sendTo("web-2", "report ready")));
        assertTrue(e.getMessage().contains("Kafka did not acknowledge"), e.getMessage());
    }
}
