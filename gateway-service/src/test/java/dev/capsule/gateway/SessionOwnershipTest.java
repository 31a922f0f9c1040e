package dev.capsule.gateway;

import static dev.capsule.gateway.Gateway.as;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.events.InboundMessage;
import dev.capsule.gateway.auth.SessionOwnership;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who owns a session is PostgreSQL's durable record, decided once: every endpoint of the API
 * refuses another user, reading is not claiming, a first claim has exactly one winner, and a
 * claim that never carried a message lapses ({@code %test} time to live: 2 s).
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class SessionOwnershipTest {

    @Inject
    FakeSessionService sessionService;

    @Inject
    SessionOwnership ownership;

    @Inject
    Pool pool;

    @BeforeEach
    void ready() {
        Gateway.awaitReady();
    }

    @Test
    void theFirstMessageRecordsItsUserAsTheOwnerInPostgresBeforeAnythingIsPublished() {
        String session = Gateway.newSessionId();
        as("alice").body("{\"text\":\"mine\"}").post("/api/sessions/{id}/messages", session).then().statusCode(200);
        Row row = owner(session);
        assertEquals("alice", row.getString("user_id"));
        assertTrue(row.getBoolean("used"), "a claim that carried a message is final");
    }

    @Test
    void theDurableRecordDecidesForASessionThisGatewayHasNeverSeen() {
        // As if the session had been claimed through another replica, and no cache anywhere knew it.
        String session = Gateway.newSessionId();
        pool.preparedQuery("INSERT INTO session_owners (session_id, user_id, used) VALUES ($1, $2, true)")
                .executeAndAwait(Tuple.of(session, "carol"));

        as("mallory").get("/api/sessions/{id}/history", session).then().statusCode(403)
                .body("error", containsString("belongs to another user"));
        as("mallory").body("{\"text\":\"mine now\"}").post("/api/sessions/{id}/messages", session).then().statusCode(403);
        as("carol").get("/api/sessions/{id}/history", session).then().statusCode(200);
        assertEquals(List.of(), sessionService.received(session).stream().map(InboundMessage::text).toList());
    }

    @Test
    void anotherUsersHistoryIsRefusedWith403() {
        String session = Gateway.newSessionId();
        as("alice").body("{\"text\":\"my secret is 1234\"}").post("/api/sessions/{id}/messages", session).then().statusCode(200);
        as("bob").get("/api/sessions/{id}/history", session).then().statusCode(403)
                .body("error", containsString("belongs to another user"));
        as("alice").get("/api/sessions/{id}/history", session).then().statusCode(200);
    }

    @Test
    void readingOrCancellingInASessionNobodyOwnsAnswers404AndClaimsNothing() {
        String session = Gateway.newSessionId();
        as("bob").get("/api/sessions/{id}/history", session).then().statusCode(404)
                .body("error", containsString("no session " + session));
        as("bob").post("/api/sessions/{id}/messages/{m}/cancel", session, "m-1").then().statusCode(404);
        assertEquals(0, pool.preparedQuery("SELECT 1 FROM session_owners WHERE session_id = $1")
                .executeAndAwait(Tuple.of(session)).rowCount(), "a read wrote no claim");

        // Still free: whoever writes first takes it.
        as("alice").body("{\"text\":\"first\"}").post("/api/sessions/{id}/messages", session).then().statusCode(200);
        as("bob").get("/api/sessions/{id}/history", session).then().statusCode(403);
    }

    @Test
    void ofUsersRacingForANewSessionIdExactlyOneWinsAndOnlyTheirMessageIsPublished() throws Exception {
        String session = Gateway.newSessionId();
        int racers = 8;
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Integer>> answers = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(racers)) {
            for (int i = 0; i < racers; i++) {
                String user = "racer-" + i;
                answers.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return as(user).body("{\"text\":\"" + user + "\"}").post("/api/sessions/{id}/messages", session).statusCode();
                }, threads));
            }
            start.countDown();
            List<Integer> statuses = answers.stream().map(CompletableFuture::join).toList();
            assertEquals(1, statuses.stream().filter(s -> s == 200).count(), "one winner: " + statuses);
            assertEquals(racers - 1, statuses.stream().filter(s -> s == 403).count(), "the others refused: " + statuses);
        }
        String winner = owner(session).getString("user_id");
        assertEquals(List.of(winner), sessionService.received(session).stream().map(InboundMessage::text).toList());
    }

    @Test
    void claimsThatMeetShareStatementsAndEachIsDecidedAsIfAlone() {
        // 60 claims at once: 30 new ids, each claimed by two users (one wins, the other is refused), and one id
        // already another's. Subscribed together, the claims after the first wait for it and share the next statements.
        String taken = Gateway.newSessionId();
        ownership.claim(taken, "owner", true).await().atMost(Duration.ofSeconds(10));
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            sessions.add(Gateway.newSessionId());
        }
        List<io.smallrye.mutiny.Uni<SessionOwnership.Claim>> claims = new ArrayList<>();
        for (String session : sessions) {
            claims.add(ownership.claim(session, "first", true));
            claims.add(ownership.claim(session, "second", true));
        }
        claims.add(ownership.claim(taken, "intruder", true));
        List<SessionOwnership.Claim> answers = io.smallrye.mutiny.Uni.join().all(claims).andFailFast()
                .await().atMost(Duration.ofSeconds(20));
        long statements = transactionsThatWrote(sessions);

        for (int i = 0; i < sessions.size(); i++) {
            assertEquals(List.of(SessionOwnership.Claim.MINE, SessionOwnership.Claim.OTHERS),
                    answers.subList(2 * i, 2 * i + 2), "the first claim of " + sessions.get(i) + " wins, the second is refused");
            assertEquals("first", owner(sessions.get(i)).getString("user_id"));
        }
        assertEquals(SessionOwnership.Claim.OTHERS, answers.getLast(), "a session already another's stays theirs");
        assertTrue(statements <= 5, "30 new sessions claimed at once were written by " + statements
                + " transactions; claims that meet should share a few");
    }

    /** How many transactions inserted these sessions' owner rows (a row's xmin is the transaction that wrote it). */
    private long transactionsThatWrote(List<String> sessions) {
        return pool.preparedQuery("SELECT count(DISTINCT xmin::text) FROM session_owners WHERE session_id = ANY($1)")
                .executeAndAwait(Tuple.of(sessions.toArray(String[]::new))).iterator().next().getLong(0);
    }

    @Test
    void aCreatedSessionIsItsCreatorsUntilItsUnusedClaimLapsesThenAnotherUserMayTakeIt() {
        String session = as("alice").post("/api/sessions").then().statusCode(201).extract().path("sessionId");
        as("alice").get("/api/sessions/{id}/history", session).then().statusCode(200);
        as("bob").body("{\"text\":\"mine?\"}").post("/api/sessions/{id}/messages", session).then().statusCode(403);

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() ->
                as("bob").body("{\"text\":\"mine now\"}").post("/api/sessions/{id}/messages", session).statusCode() == 200);
        as("alice").get("/api/sessions/{id}/history", session).then().statusCode(403);
        assertEquals(List.of("mine now"), sessionService.received(session).stream().map(InboundMessage::text).toList());
    }

    @Test
    void aClaimThatCarriedAMessageNeverLapses() {
        String session = as("alice").post("/api/sessions").then().statusCode(201).extract().path("sessionId");
        as("alice").body("{\"text\":\"hello\"}").post("/api/sessions/{id}/messages", session).then().statusCode(200);
        // Past the 2 s time to live of an unused claim: the passing of time is what this test is about.
        await().pollDelay(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5)).until(() -> true);
        as("bob").body("{\"text\":\"mine?\"}").post("/api/sessions/{id}/messages", session).then().statusCode(403);
        ownership.purgeUnusedClaims().await().atMost(Duration.ofSeconds(10));
        assertEquals("alice", owner(session).getString("user_id"));
    }

    @Test
    void thePurgeDeletesOnlyUnusedClaimsPastTheirTimeToLive() {
        String lapsed = Gateway.newSessionId();
        String fresh = as("dora").post("/api/sessions").then().statusCode(201).extract().path("sessionId");
        pool.preparedQuery("INSERT INTO session_owners (session_id, user_id, used, claimed_at) VALUES ($1, $2, false, now() - interval '1 hour')")
                .executeAndAwait(Tuple.of(lapsed, "dora"));

        int purged = ownership.purgeUnusedClaims().await().atMost(Duration.ofSeconds(10));

        assertTrue(purged >= 1, "purged " + purged);
        assertEquals(0, pool.preparedQuery("SELECT 1 FROM session_owners WHERE session_id = $1")
                .executeAndAwait(Tuple.of(lapsed)).rowCount());
        assertEquals("dora", owner(fresh).getString("user_id"));
    }

    private Row owner(String session) {
        var rows = pool.preparedQuery("SELECT user_id, used FROM session_owners WHERE session_id = $1")
                .executeAndAwait(Tuple.of(session));
        assertEquals(1, rows.rowCount(), "one owner row for " + session);
        return rows.iterator().next();
    }
}
