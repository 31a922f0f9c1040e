package dev.capsule.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The chat page's files and its sign-in; the page itself is tried in a browser by system-tests' WebChatIT. */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class WebPageTest {

    @Test
    void thePageAndItsScriptsAreServedAtTheRootWithoutAToken() {
        given().get("/").then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("<title>Capsule chat</title>"), containsString("role=\"log\""));
        given().get("/chat.js").then().statusCode(200).body(containsString("/ws/chat"));
        given().get("/markdown.js").then().statusCode(200).body(not(containsString("innerHTML")));
        given().get("/chat.css").then().statusCode(200);
    }

    @Test
    void devSignInAnswers404WhereNoDevTokenFileIsConfiguredAsInProduction() {
        given().get("/auth/dev-token").then().statusCode(404)
                .header("Cache-Control", containsString("no-store"))
                .body(containsString("identity provider"));
    }
}
