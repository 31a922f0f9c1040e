package dev.capsule.system;

import dev.capsule.testing.PostgresServer;
import dev.capsule.testing.TestStack;
import io.smallrye.jwt.build.Jwt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * What the packaged services of a system test share: the test servers' addresses and a signing
 * key of the test's own, whose public half the gateways verify users' tokens with.
 */
final class StackIdentity {

    private final KeyPair keys;
    private final Map<String, String> env = new HashMap<>();

    StackIdentity() throws IOException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            keys = generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK cannot make RSA keys", e);
        }
        Path publicKey = Files.createTempFile("capsule-it-public", ".pem");
        Files.writeString(publicKey, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(keys.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        PostgresServer pg = TestStack.postgres();
        env.putAll(TestStack.kafkaEnvironment());
        env.put("QUARKUS_REDIS_HOSTS", TestStack.redis().url());
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", pg.reactiveUrl());
        env.put("QUARKUS_DATASOURCE_JDBC_URL", pg.jdbcUrl());
        env.put("QUARKUS_DATASOURCE_USERNAME", PostgresServer.USER);
        env.put("QUARKUS_DATASOURCE_PASSWORD", PostgresServer.PASSWORD);
        env.put("CAPSULE_JWT_PUBLIC_KEY", publicKey.toString());
    }

    /** The environment every service process starts with; a test may add to it before starting them. */
    Map<String, String> env() {
        return env;
    }

    /** A bearer token for {@code user}, signed with this stack's key, valid for {@code lifetime}. */
    String token(String user, Duration lifetime) {
        return Jwt.issuer("https://capsule.local/dev").subject(user).upn(user).expiresIn(lifetime.toSeconds())
                .sign(keys.getPrivate());
    }
}
