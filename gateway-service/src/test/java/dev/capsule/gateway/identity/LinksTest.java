package dev.capsule.gateway.identity;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capsule.events.InboundLinked;
import dev.capsule.gateway.FakeSessionService;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.jwt.build.Jwt;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The app user's side of account linking: a code a channel user was shown, confirmed once, within its time. */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class LinksTest {

    @Inject
    Pool pool;

    @Inject
    FakeSessionService sessions;

    @Test
    void aCodeConfirmedLinksTheChannelIdentityToTheCallerOnceAndTellsItsSession() {
        String channelUser = "telegram:support:" + UUID.randomUUID();
        String session = "telegram:support:c" + UUID.randomUUID();
        String alice = "alice-" + UUID.randomUUID();
        code("ABCD2345", channelUser, session, Duration.ofMinutes(10));

        as(alice).body("{\"code\":\"abcd-2345\"}").post("/api/identity/links").then().statusCode(200)
                .body("channelUserId", equalTo(channelUser)).body("sessionId", equalTo(session));
        Row link = pool.preparedQuery("SELECT user_id, owner_id, email FROM identity_links WHERE channel_user_id = $1")
                .execute(Tuple.of(channelUser)).await().indefinitely().iterator().next();
        assertEquals(alice, link.getString("user_id"));
        assertEquals(alice, link.getString("owner_id"));
        assertEquals("alice@example.test", link.getString("email"));
        await().atMost(Duration.ofSeconds(20)).until(() -> sessions.everythingSeen().stream()
                .anyMatch(r -> r.contains("inbound.linked") && r.contains(session) && r.contains(alice)));

        as("mallory-" + UUID.randomUUID()).body("{\"code\":\"ABCD2345\"}").post("/api/identity/links").then().statusCode(404)
                .body("error", containsString("unknown, used or expired"));
    }

    @Test
    void anExpiredOrMissingCodeIsRefusedWithTheErrorShapeAndWithoutATokenNothingHappens() {
        String channelUser = "telegram:support:" + UUID.randomUUID();
        code("EXP23456", channelUser, "telegram:support:c1", Duration.ofSeconds(-5));
        as("bob").body("{\"code\":\"EXP2-3456\"}").post("/api/identity/links").then().statusCode(404);
        as("bob").body("{}").post("/api/identity/links").then().statusCode(400).body("error", containsString("code"));
        given().contentType(ContentType.JSON).body("{\"code\":\"EXP2-3456\"}").post("/api/identity/links").then().statusCode(401);
        assertEquals(0, pool.preparedQuery("SELECT 1 FROM identity_links WHERE channel_user_id = $1").execute(Tuple.of(channelUser))
                .await().indefinitely().size());
    }

    private void code(String code, String channelUser, String session, Duration validFor) {
        pool.preparedQuery("INSERT INTO identity_link_codes (code, channel_user_id, session_id, expires_at) VALUES ($1, $2, $3, $4)")
                .execute(Tuple.of(code, channelUser, session, OffsetDateTime.now(ZoneOffset.UTC).plus(validFor))).await().indefinitely();
    }

    private static io.restassured.specification.RequestSpecification as(String user) {
        return given().auth().oauth2(Jwt.subject(user).issuer("https://capsule.local/dev").claim("email", user.replaceAll("-.*", "")
                + "@example.test").sign()).contentType(ContentType.JSON);
    }
}
