package dev.capsule.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class CollectionsApiTest {

    // Microseconds, as PostgreSQL keeps them: a cursor that dropped them would skip or repeat documents.
    private static final Instant T = Instant.parse("2026-01-01T00:00:00.123456Z");

    @Inject
    Pool pool;

    // Fresh owners per test: the documents table is shared by every test of the run.
    private String alice;
    private String bob;

    @BeforeEach
    void owners() {
        alice = "alice-" + UUID.randomUUID();
        bob = "bob-" + UUID.randomUUID();
        // Alice's notes: n02..n04 share a creation time, so the id breaks ties, also across a page boundary.
        insert(alice, "notes", "n01", 1, false, 1, "{\"text\":\"first\"}");
        insert(alice, "notes", "n02", 1, false, 2, "{\"text\":\"second\"}");
        insert(alice, "notes", "n03", 1, false, 2, "{\"text\":\"third\"}");
        insert(alice, "notes", "n04", 1, false, 2, "{\"text\":\"fourth\"}");
        insert(alice, "notes", "n05", 3, false, 3, "{\"text\":\"buy milk\",\"tags\":[\"home\"],\"done\":false}");
        insert(alice, "notes", "n06", 2, true, 4, "{\"text\":\"deleted\"}");
        insert(alice, "notes", "n07", 1, false, 5, "{\"text\":\"newest\"}");
        insert(alice, "todo", "t01", 1, false, 6, "{\"text\":\"other collection\"}");
        // Bob's notes sit between Alice's in time, and one shares an id with hers.
        insert(bob, "notes", "b01", 1, false, 3, "{\"text\":\"bob's secret\"}");
        insert(bob, "notes", "n05", 1, false, 4, "{\"text\":\"bob's n05\"}");
    }

    @Test
    void listShowsOnlyTheCallersLiveDocumentsNewestFirst() {
        as(alice).get("/api/collections/notes").then().statusCode(200)
                .body("collection", equalTo("notes"))
                .body("documents.id", equalTo(List.of("n07", "n05", "n04", "n03", "n02", "n01")))
                .body("documents[1].version", equalTo(3))
                .body("documents[1].createdAt", equalTo(T.plusSeconds(3).toString()))
                .body("documents[1].data.text", equalTo("buy milk"))
                .body("documents[1].data.tags", equalTo(List.of("home")))
                .body("nextCursor", nullValue());
        as(bob).get("/api/collections/notes").then().statusCode(200)
                .body("documents.id", equalTo(List.of("n05", "b01")))
                .body("documents[0].data.text", equalTo("bob's n05"));
        as("carol-" + UUID.randomUUID()).get("/api/collections/notes").then().statusCode(200)
                .body("documents", empty()).body("nextCursor", nullValue());
    }

    @Test
    void paginationWalksEveryPageInOrderWithoutDuplicatesOrGaps() {
        List<List<String>> pages = new ArrayList<>();
        String cursor = null;
        do {
            RequestSpecification request = as(alice).queryParam("limit", 2);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.get("/api/collections/notes").then().statusCode(200).extract().jsonPath();
            pages.add(page.getList("documents.id"));
            cursor = page.getString("nextCursor");
        } while (cursor != null && pages.size() < 10);

        // Exactly three full pages: the last one, though full, has no cursor to an empty fourth.
        assertEquals(List.of(List.of("n07", "n05"), List.of("n04", "n03"), List.of("n02", "n01")), pages);
    }

    @Test
    void getAnswersTheCallersOwnDocument() {
        as(alice).get("/api/collections/notes/n05").then().statusCode(200)
                .body("id", equalTo("n05"))
                .body("version", equalTo(3))
                .body("createdAt", equalTo(T.plusSeconds(3).toString()))
                .body("updatedAt", equalTo(T.plusSeconds(3 + 60).toString()))
                .body("data.text", equalTo("buy milk"))
                .body("data.done", equalTo(false));
        as(bob).get("/api/collections/notes/n05").then().statusCode(200).body("data.text", equalTo("bob's n05"));
    }

    @Test
    void anotherOwnersDocumentAnswers404LikeOneThatNeverExisted() {
        String bobs = as(alice).get("/api/collections/notes/b01").then().statusCode(404)
                .body("error", not(containsString(bob))).extract().path("error");
        String none = as(alice).get("/api/collections/notes/nope").then().statusCode(404).extract().path("error");
        assertEquals(none.replace("nope", "b01"), bobs);
        // Bob still has it: the 404 was about who asked.
        as(bob).get("/api/collections/notes/b01").then().statusCode(200);
    }

    @Test
    void deletedDocumentsAreHiddenFromGetAndList() {
        as(alice).get("/api/collections/notes/n06").then().statusCode(404).body("error", containsString("n06"));
        List<String> ids = as(alice).queryParam("limit", 200).get("/api/collections/notes")
                .then().statusCode(200).extract().path("documents.id");
        assertFalse(ids.contains("n06"), () -> "a deleted document was listed: " + ids);
    }

    @Test
    void aLimitOutside1To200IsRefusedWith400() {
        for (String limit : List.of("0", "201", "-1", "abc", "2.5")) {
            as(alice).queryParam("limit", limit).get("/api/collections/notes")
                    .then().statusCode(400).body("error", containsString("1 to 200"));
        }
        as(alice).queryParam("limit", 200).get("/api/collections/notes").then().statusCode(200);
    }

    @Test
    void aCollectionNameOutsideTheRuleIsRefusedWith400() {
        for (String name : List.of("Notes", "1notes", "_notes", "no.dots", "x".repeat(64), "sp ace")) {
            as(alice).get("/api/collections/{name}", name)
                    .then().statusCode(400).body("error", containsString("^[a-z][a-z0-9_-]{0,62}$"));
            as(alice).get("/api/collections/{name}/n05", name)
                    .then().statusCode(400).body("error", containsString("^[a-z][a-z0-9_-]{0,62}$"));
        }
        as(alice).get("/api/collections/{name}", "x".repeat(63)).then().statusCode(200);
        as(alice).get("/api/collections/todo").then().statusCode(200).body("documents.id", equalTo(List.of("t01")));
    }

    @Test
    void aCursorThisApiDidNotGiveIsRefusedWith400() {
        for (String cursor : List.of("not base64!", base64url("no separator"), base64url("yesterday|n05"), base64url("|n05"))) {
            as(alice).queryParam("cursor", cursor).get("/api/collections/notes")
                    .then().statusCode(400).body("error", containsString("cursor"));
        }
    }

    @Test
    void withoutATokenIsRefusedWith401() {
        given().accept(ContentType.JSON).get("/api/collections/notes").then().statusCode(401);
        given().accept(ContentType.JSON).get("/api/collections/notes/n05").then().statusCode(401);
        given().auth().oauth2(Gateway.foreignToken(alice)).accept(ContentType.JSON)
                .get("/api/collections/notes").then().statusCode(401);
    }

    /** Writes a row as persistence-service's fold would: created {@code second}s after T, updated a minute later. */
    private void insert(String owner, String collection, String id, long version, boolean deleted, int second, String data) {
        pool.preparedQuery("""
                        INSERT INTO documents (owner_id, collection, id, version, deleted, data, created_at, updated_at)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""")
                .executeAndAwait(Tuple.tuple()
                        .addString(owner).addString(collection).addString(id).addLong(version).addBoolean(deleted)
                        .addValue(new JsonObject(data))
                        .addOffsetDateTime(T.plusSeconds(second).atOffset(ZoneOffset.UTC))
                        .addOffsetDateTime(T.plusSeconds(second + 60).atOffset(ZoneOffset.UTC)));
    }

    private static String base64url(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static RequestSpecification as(String user) {
        return given().auth().oauth2(Gateway.token(user)).accept(ContentType.JSON);
    }
}
