package dev.capsule.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.events.EventCodec;
import dev.capsule.events.EventMeta;
import dev.capsule.events.InboundMessage;
import dev.capsule.events.Topics;
import dev.capsule.events.TraceContext;
import dev.capsule.events.UserRef;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Owner scoping in the read model (DESIGN invariant 5): a user message enters a session's history
 * only when its user owns the session; anyone else's is set aside with the reason.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class OwnerFoldTest extends FoldTestBase {

    static final UserRef EVE = new UserRef("user-eve", null, "owner-eve");

    @Test
    void aMessageOfSomeoneWhoDoesNotOwnTheClaimedSessionIsDeadLetteredWithTheReasonAndTheOwnersAreFolded() {
        String session = "s-" + UUID.randomUUID();
        // What the gateway writes before it publishes a session's first message.
        pool.preparedQuery("INSERT INTO session_owners (session_id, user_id, used) VALUES ($1, $2, true)")
                .executeAndAwait(Tuple.of(session, ADA.id()));
        InboundMessage ada = message(session, ADA, "my secret is 1234");
        InboundMessage eve = message(session, EVE, "let me in");
        InboundMessage adaAgain = message(session, ADA, "still mine");

        log.publishBurst(Topics.INBOUND, List.of(Map.entry(session, EventCodec.encode(ada)),
                Map.entry(session, EventCodec.encode(eve)), Map.entry(session, EventCodec.encode(adaAgain))));
        log.awaitAllFolded();

        assertEquals(List.of("my secret is 1234", "still mine"), folded(session));
        assertSetAside(session, eve);
    }

    @Test
    void aConversationNobodyClaimedIsClaimedByTheUserOfItsFirstFoldedMessageAndOthersAreSetAside() {
        // An external channel's conversation: channel-adapters publishes it without a gateway's claim.
        String session = "telegram:demo:" + UUID.randomUUID();
        InboundMessage ada = message(session, ADA, "hello bot");
        InboundMessage eve = message(session, EVE, "me too");

        log.publishBurst(Topics.INBOUND, List.of(Map.entry(session, EventCodec.encode(ada)), Map.entry(session, EventCodec.encode(eve))));
        log.awaitAllFolded();
        log.publish(Topics.INBOUND, message(session, EVE, "and again"));
        log.awaitAllFolded();

        assertEquals(List.of("hello bot"), folded(session));
        Row owner = pool.preparedQuery("SELECT user_id, used FROM session_owners WHERE session_id = $1")
                .executeAndAwait(Tuple.of(session)).iterator().next();
        assertEquals(ADA.id(), owner.getString("user_id"));
        assertTrue(owner.getBoolean("used"));
        assertSetAside(session, eve);
        assertEquals(2, log.deadLettersOf(session).size(), "both of eve's messages, in the batch and after it");
    }

    @Test
    void aMessageWhoseSessionIdIsNotOfAShapeCapsuleMakesIsSetAsideAndTheRestIsFolded() {
        // A NUL in the id: PostgreSQL refuses it in any text, so asking who owns it would fail for good.
        String session = "s-" + UUID.randomUUID();
        String bad = session + "\u0000x";
        InboundMessage refused = message(bad, ADA, "from nowhere");
        InboundMessage fine = message(session, ADA, "fine");

        log.publishBurst(Topics.INBOUND, List.of(Map.entry(session, EventCodec.encode(refused)), Map.entry(session, EventCodec.encode(fine))));
        log.awaitAllFolded();

        assertEquals(List.of("fine"), folded(session));
        ConsumerRecord<String, byte[]> letter = log.deadLettersOf(session).stream()
                .filter(r -> new String(r.value(), StandardCharsets.UTF_8).contains(refused.eventId())).findFirst()
                .orElseThrow(() -> new AssertionError("not dead-lettered"));
        String reason = new String(letter.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8);
        assertTrue(reason.contains("is not 1 to 128 letters"), reason);
    }

    private static InboundMessage message(String session, UserRef user, String text) {
        return InboundMessage.of(EventMeta.next(session, TraceContext.NONE), user, "web", text, null);
    }

    private List<String> folded(String session) {
        return StreamSupport.stream(pool.preparedQuery("SELECT text FROM messages WHERE session_id = $1 ORDER BY position")
                .executeAndAwait(Tuple.of(session)).spliterator(), false).map(r -> r.getString("text")).toList();
    }

    private static void assertSetAside(String session, InboundMessage message) {
        ConsumerRecord<String, byte[]> letter = log.deadLettersOf(session).stream()
                .filter(r -> new String(r.value(), StandardCharsets.UTF_8).contains(message.eventId())).findFirst()
                .orElseThrow(() -> new AssertionError("not dead-lettered: " + message.text()));
        String reason = new String(letter.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8);
        assertTrue(reason.contains("user-eve does not own session " + session), reason);
    }
}
