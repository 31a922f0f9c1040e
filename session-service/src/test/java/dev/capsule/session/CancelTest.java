package dev.capsule.session;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.events.EventMeta;
import dev.capsule.events.InboundCancel;
import dev.capsule.events.InboundMessage;
import dev.capsule.events.Reply;
import dev.capsule.events.StreamChunk;
import dev.capsule.events.StreamEnd;
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
import org.junit.jupiter.api.Test;

/** The user's Stop: an InboundCancel ends the running answer to that message, and only that one. */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class CancelTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void theUsersCancelEndsTheRunningStreamAsCancelledAndTheSessionAnswersTheNextMessage() {
        try (KafkaTestClient kafka = new KafkaTestClient(Topics.OUTBOUND)) {
            String s = "cancel-" + UUID.randomUUID();
            InboundMessage slow = kafka.send(s, "u1", "/slowstream");
            await().atMost(WAIT).until(() -> kafka.of(s, StreamChunk.class).size() >= 3);

            kafka.sendRaw(InboundCancel.of(EventMeta.next(s, TraceContext.NONE), KafkaTestClient.user("u1"), slow.eventId()));
            await().atMost(WAIT).until(() -> kafka.of(s, TurnEnded.class).size() == 1);
            StreamEnd end = kafka.of(s, StreamEnd.class).getFirst();
            assertTrue(end.cancelled(), "the stream ended as cancelled");
            assertTrue(end.chunks() < 200, "the stream stopped early: " + end.chunks() + " chunks");

            kafka.send(s, "u1", "still there?");
            await().atMost(WAIT).until(() -> kafka.of(s, TurnEnded.class).size() == 2);
            assertEquals(List.of("#2: still there?"), kafka.of(s, Reply.class).stream().map(Reply::text).toList());
        }
    }

    @Test
    void aCancelFromAnotherUserOrForAnotherMessageStopsNothing() {
        try (KafkaTestClient kafka = new KafkaTestClient(Topics.OUTBOUND)) {
            String s = "cancel-" + UUID.randomUUID();
            InboundMessage slow = kafka.send(s, "u1", "/slowstream");
            await().atMost(WAIT).until(() -> kafka.of(s, StreamChunk.class).size() >= 3);

            kafka.sendRaw(InboundCancel.of(EventMeta.next(s, TraceContext.NONE), KafkaTestClient.user("mallory"), slow.eventId()));
            kafka.sendRaw(InboundCancel.of(EventMeta.next(s, TraceContext.NONE), KafkaTestClient.user("u1"), "not-" + slow.eventId()));
            int seenAtCancel = kafka.of(s, StreamChunk.class).size();
            // The stream goes on past the cancels: many more chunks, and no end yet.
            await().atMost(WAIT).until(() -> kafka.of(s, StreamChunk.class).size() >= seenAtCancel + 20);
            assertFalse(kafka.of(s, StreamEnd.class).stream().anyMatch(StreamEnd::cancelled), "nothing was cancelled");

            // Leave the session as the next test would want it: stop it properly.
            kafka.sendRaw(InboundCancel.of(EventMeta.next(s, TraceContext.NONE), KafkaTestClient.user("u1"), slow.eventId()));
            await().atMost(WAIT).until(() -> kafka.of(s, TurnEnded.class).size() == 1);
        }
    }
}
