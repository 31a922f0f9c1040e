package dev.capsule.gateway;

import static dev.capsule.gateway.Gateway.as;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DELETE /api/sessions/{id} closes a session of the caller's own (202, every time, passed on as an
 * InboundClose); GET /api/sessions/{id} tells its status from the read model. Both refuse others as
 * every endpoint does: 403 for another user's session, 404 for one nobody owns.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class SessionCloseApiTest {

    @Inject
    FakeSessionService sessionService;

    @Inject
    Pool pool;

    @BeforeEach
    void ready() {
        Gateway.awaitReady();
    }

    @Test
    void theOwnersCloseIsAcceptedWith202EachTimeAndOthersAreRefused() {
        String session = Gateway.newSessionId();
        as("alice").body("{\"text\":\"hello\"}").post("/api/sessions/{id}/messages", session).then().statusCode(200);

        as("bob").delete("/api/sessions/{id}", session).then().statusCode(403)
                .body("error", containsString("belongs to another user"));
        as("alice").delete("/api/sessions/{id}", Gateway.newSessionId()).then().statusCode(404);
        as("alice").delete("/api/sessions/{id}", session).then().statusCode(202).body("sessionId", equalTo(session));
        as("alice").delete("/api/sessions/{id}", session).then().statusCode(202);

        await().atMost(Duration.ofSeconds(30)).until(() -> sessionService.closes(session).size() == 2);
        assertEquals(List.of("alice", "alice"), sessionService.closes(session).stream().map(c -> c.user().id()).toList(),
                "the second close is passed on too: session-service runs no second exit() for it");
    }

    @Test
    void theStatusFollowsTheReadModelThroughACloseAndANewLife() {
        String session = Gateway.newSessionId();
        as("alice").body("{\"text\":\"hello\"}").post("/api/sessions/{id}/messages", session).then().statusCode(200);
        Instant created = Instant.parse("2026-01-02T03:00:00Z");
        Instant closed = Instant.parse("2026-01-02T04:00:00Z");
        // What persistence-service folds from SessionOpened and SessionClosed (its own tests cover the folds).
        sql("INSERT INTO sessions (session_id, channel, opened_at, last_opened_at) VALUES ($1, 'api', $2, $2)", session, created);

        as("alice").get("/api/sessions/{id}", session).then().statusCode(200)
                .body("sessionId", equalTo(session)).body("status", equalTo("open")).body("channel", equalTo("api"))
                .body("createdAt", equalTo(created.toString())).body("closedAt", nullValue());

        sql("UPDATE sessions SET closed_at = $2 WHERE session_id = $1", session, closed);
        as("alice").get("/api/sessions/{id}", session).then().statusCode(200)
                .body("status", equalTo("closed")).body("closedAt", equalTo(closed.toString()));

        sql("UPDATE sessions SET last_opened_at = $2 WHERE session_id = $1", session, closed.plusSeconds(60));
        as("alice").get("/api/sessions/{id}", session).then().statusCode(200)
                .body("status", equalTo("open")).body("closedAt", nullValue()).body("createdAt", equalTo(created.toString()));

        as("bob").get("/api/sessions/{id}", session).then().statusCode(403);
        as("alice").get("/api/sessions/{id}", Gateway.newSessionId()).then().statusCode(404);
    }

    @Test
    void aSessionWhoseEventsAreNotFoldedYetIsOpenSinceItsClaim() {
        String session = as("alice").post("/api/sessions").then().statusCode(201).extract().path("sessionId");
        as("alice").get("/api/sessions/{id}", session).then().statusCode(200)
                .body("status", equalTo("open")).body("channel", nullValue()).body("closedAt", nullValue())
                .body("createdAt", notNullValue()).body("lastActivityAt", notNullValue());
    }

    private void sql(String statement, String session, Instant at) {
        pool.preparedQuery(statement).executeAndAwait(Tuple.of(session, at.atOffset(ZoneOffset.UTC)));
    }
}
