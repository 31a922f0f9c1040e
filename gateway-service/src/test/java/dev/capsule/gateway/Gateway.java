package dev.capsule.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.UUID;

/** What the gateway's tests share: users' tokens, fresh session ids, and waiting until the gateway is ready. */
final class Gateway {

    static final String ISSUER = "https://capsule.local/dev";

    private Gateway() {
    }

    /** A token for {@code user}, signed with the test key the gateway trusts. */
    static String token(String user) {
        return Jwt.subject(user).issuer(ISSUER).sign();
    }

    /** A well-formed token for {@code user} signed with a key the gateway does not know. */
    static String foreignToken(String user) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return Jwt.subject(user).issuer(ISSUER).sign(generator.generateKeyPair().getPrivate());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A JSON request to the API as {@code user}. */
    static RequestSpecification as(String user) {
        return given().auth().oauth2(token(user)).contentType(ContentType.JSON).accept(ContentType.JSON);
    }

    static String newSessionId() {
        return "s-" + UUID.randomUUID();
    }

    /** Ready means the outbound feed has its positions: replies to requests sent from now on reach them. */
    static void awaitReady() {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> given().get("/q/health/ready").statusCode() == 200);
    }
}
