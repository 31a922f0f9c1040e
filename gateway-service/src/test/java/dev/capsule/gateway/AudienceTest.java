package dev.capsule.gateway;

import static io.restassured.RestAssured.given;

import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.smallrye.jwt.build.Jwt;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With CAPSULE_JWT_AUDIENCE set, a token made for another application (or for none) is refused. */
@QuarkusTest
@TestProfile(AudienceTest.WithAudience.class)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class AudienceTest {

    public static final class WithAudience implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("CAPSULE_JWT_AUDIENCE", "capsule-chat");
        }
    }

    @Test
    void onlyATokenForThisAudienceIsAccepted() {
        given().auth().oauth2(Jwt.subject("ana").issuer(Gateway.ISSUER).audience("capsule-chat").sign()).accept(ContentType.JSON)
                .post("/api/sessions").then().statusCode(201);
        given().auth().oauth2(Jwt.subject("ana").issuer(Gateway.ISSUER).audience("another-app").sign()).accept(ContentType.JSON)
                .post("/api/sessions").then().statusCode(401);
        given().auth().oauth2(Jwt.subject("ana").issuer(Gateway.ISSUER).sign()).accept(ContentType.JSON)
                .post("/api/sessions").then().statusCode(401);
    }
}
