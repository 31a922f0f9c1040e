package dev.capsule.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.smallrye.jwt.build.Jwt;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.junit.jupiter.api.Test;

/**
 * Keys from an identity provider's JWKS URL ({@code CAPSULE_JWT_PUBLIC_KEY=https://…/jwks.json}), rotated: a new key is
 * added beside the old one, then the old one is removed. The fake provider lets its key set be cached for a second
 * ({@code Cache-Control: max-age=1}), as a provider that rotates keys says how long to keep them.
 */
@QuarkusTest
@TestProfile(JwksTest.FromJwksUrl.class)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class JwksTest {

    static final KeyPair OLD = keyPair();
    static final KeyPair NEW = keyPair();

    public static final class FromJwksUrl implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(IdentityProvider.class));
        }
    }

    /** The identity provider's JWKS endpoint (WireMock), its key set changed by the test. */
    public static final class IdentityProvider implements QuarkusTestResourceLifecycleManager {
        static WireMockServer server;

        @Override
        public Map<String, String> start() {
            server = new WireMockServer(WireMockConfiguration.options().dynamicPort());
            server.start();
            publish("old");
            String url = server.baseUrl() + "/.well-known/jwks.json";
            return Map.of("CAPSULE_JWT_PUBLIC_KEY", url, "%test.mp.jwt.verify.publickey.location", url);
        }

        @Override
        public void stop() {
            server.stop();
        }
    }

    /** Serves the named keys ("old", "new") as the provider's key set. */
    static void publish(String... kids) {
        List<JsonWebKey> keys = new ArrayList<>();
        for (String kid : kids) {
            RsaJsonWebKey key = new RsaJsonWebKey((RSAPublicKey) ("old".equals(kid) ? OLD : NEW).getPublic());
            key.setKeyId(kid);
            key.setAlgorithm("RS256");
            key.setUse("sig");
            keys.add(key);
        }
        IdentityProvider.server.stubFor(get(urlEqualTo("/.well-known/jwks.json")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withHeader("Cache-Control", "max-age=1")
                .withBody(new JsonWebKeySet(keys).toJson())));
    }

    @Test
    void aKeyAddedIsTrustedAtOnceAndAKeyRemovedIsNoLongerTrusted() {
        Gateway.awaitReady();
        createsASession(signed("old", OLD), 201);

        publish("old", "new");
        // A token under a key id the gateway has not seen makes it read the key set again (jose4j: not twice in 300 ms).
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                .until(() -> status(signed("new", NEW)) == 201);
        createsASession(signed("old", OLD), 201);

        publish("new");
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                .until(() -> status(signed("old", OLD)) == 401);
        createsASession(signed("new", NEW), 201);
        // A key id the provider never published, and a published key id with another key's signature.
        createsASession(signed("stranger", keyPair()), 401);
        createsASession(signed("new", OLD), 401);
    }

    /** A fresh token (its own jti) for ana, signed with {@code keys} under key id {@code kid}. */
    private static String signed(String kid, KeyPair keys) {
        return Jwt.subject("ana").issuer(Gateway.ISSUER).jws().keyId(kid).sign(keys.getPrivate());
    }

    private static void createsASession(String token, int expected) {
        given().auth().oauth2(token).accept(ContentType.JSON).post("/api/sessions").then().statusCode(expected);
    }

    private static int status(String token) {
        return given().auth().oauth2(token).accept(ContentType.JSON).post("/api/sessions").statusCode();
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
