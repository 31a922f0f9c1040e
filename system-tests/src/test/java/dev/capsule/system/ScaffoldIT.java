package dev.capsule.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.testing.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 13's "done when", as a new user walks it: {@code ./capsule new} scaffolds an app outside the repository,
 * the app's own {@code ./mvnw verify} passes (its unit test, and its integration test against real servers), and
 * {@code ./capsule up --app} serves it: a message posted over the API gets the scaffold's reply.
 *
 * <p>The stack of {@code up} runs under a home and on ports of its own, so that it meets no other stack.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaffoldIT {

    static final Path ROOT = ServiceProcess.ROOT;
    static final Path WORK = ROOT.resolve("system-tests/target/scaffold-it");
    static final Path APP = WORK.resolve("hello");
    static final Path HOME = WORK.resolve("capsule-home");
    static final Map<String, String> STACK = new HashMap<>();

    @BeforeAll
    static void freshFolders() throws IOException {
        run(List.of(ROOT.resolve("capsule").toString(), "down", "--wipe"), ROOT, Duration.ofMinutes(2));
        if (Files.exists(WORK)) {
            try (Stream<Path> files = Files.walk(WORK)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(HOME);
        // This Maven run built and installed every module before this one: up need not build the services again.
        Files.writeString(HOME.resolve("build.stamp"), "");
        for (String port : List.of("GATEWAY", "SESSION", "ADAPTERS", "PERSISTENCE", "KAFKA", "KAFKA_CONTROLLER", "REDIS", "PG")) {
            STACK.put("CAPSULE_" + port + "_PORT", String.valueOf(Ports.free()));
        }
        STACK.put("CAPSULE_WARMUP_SECONDS", "0");
        // A database folder of its own, which the postgres user reaches (up runs PostgreSQL as that user when root).
        STACK.put("CAPSULE_PG_DATA_DIR", Path.of(System.getProperty("java.io.tmpdir"), "capsule-scaffold-it-" + ProcessHandle.current().pid(), "postgres").toString());
        STACK.put("CAPSULE_PARTITIONS", "2");
    }

    @AfterAll
    static void stopTheStack() {
        run(List.of(ROOT.resolve("capsule").toString(), "down", "--wipe"), ROOT, Duration.ofMinutes(2));
    }

    @Test
    @Order(1)
    void newRefusesABadPackageAndAFolderInUse() throws IOException {
        Result bad = run(List.of(ROOT.resolve("capsule").toString(), "new", WORK.resolve("bad").toString(), "--package", "com.example.new"),
                ROOT, Duration.ofMinutes(1));
        assertEquals(1, bad.exit, bad.tail());
        assertTrue(bad.output.contains("'com.example.new' is not a Java package name"), bad.tail());

        Path used = Files.createDirectories(WORK.resolve("used"));
        Files.writeString(used.resolve("notes.txt"), "mine");
        Result taken = run(List.of(ROOT.resolve("capsule").toString(), "new", used.toString()), ROOT, Duration.ofMinutes(1));
        assertEquals(1, taken.exit, taken.tail());
        assertTrue(taken.output.contains("exists and is not empty"), taken.tail());
    }

    @Test
    @Order(2)
    void newScaffoldsAnAppWhoseOwnTestsPass() {
        Result created = run(List.of(ROOT.resolve("capsule").toString(), "new", APP.toString()), ROOT, Duration.ofMinutes(10));
        assertEquals(0, created.exit, created.tail());
        assertTrue(Files.isRegularFile(APP.resolve("src/main/java/com/example/hello/HelloApp.java")), created.tail());

        // As on a fresh machine: no JAVA_HOME, and whatever java the PATH has; the app's mvnw finds a JDK 21+.
        Map<String, String> env = new HashMap<>();
        env.put("JAVA_HOME", null);
        env.put("MAVEN_OPTS", null);
        Result verify = run(List.of("./mvnw", "-B", "verify"), APP, Duration.ofMinutes(15), env);
        assertEquals(0, verify.exit, verify.tail());
        assertTrue(verify.output.contains("Tests run:") && verify.output.contains("HelloAppTest"), "the unit test ran:\n" + verify.tail());
        assertTrue(verify.output.contains("HelloAppIT"), "the integration test ran:\n" + verify.tail());
    }

    @Test
    @Order(3)
    void upServesTheApp() throws Exception {
        Result up = run(List.of(ROOT.resolve("capsule").toString(), "up", "--app", APP.toString()), ROOT, Duration.ofMinutes(10));
        assertEquals(0, up.exit, up.tail());
        assertTrue(up.output.contains("running " + APP), up.tail());

        String token = Files.readString(HOME.resolve("dev-token")).strip();
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + STACK.get("CAPSULE_GATEWAY_PORT") + "/api/sessions/scaffold-1/messages"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"hi\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("Hello from hello! You said \\\"hi\\\" (message 1 of this session)."), answer.body());

        Result status = run(List.of(ROOT.resolve("capsule").toString(), "status"), ROOT, Duration.ofMinutes(1));
        assertTrue(status.output.contains("app: " + APP), status.tail());
    }

    @Test
    @Order(4)
    void devModeAnswersTheNextMessageWithAnEdit() throws Exception {
        Path log = WORK.resolve("dev.log");
        ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("capsule").toString(), "dev", "--app", APP.toString())
                .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("CAPSULE_HOME", HOME.toString());
        pb.environment().putAll(STACK);
        Process dev = pb.start();
        try {
            awaitReply("dev-1", "before", "Hello from hello! You said \\\"before\\\"", dev, log);
            Path handler = APP.resolve("src/main/java/com/example/hello/HelloApp.java");
            Files.writeString(handler, Files.readString(handler).replace("Hello from", "Edited, hello from"));
            awaitReply("dev-1", "after", "Edited, hello from hello! You said \\\"after\\\"", dev, log);
        } finally {
            dev.descendants().forEach(ProcessHandle::destroy);
            dev.destroy();
            dev.waitFor(60, TimeUnit.SECONDS);
        }
    }

    /** Posts {@code text} until the answer holds {@code expected}: dev mode first starts, then recompiles. */
    private static void awaitReply(String session, String text, String expected, Process dev, Path log) throws IOException {
        String token = Files.readString(HOME.resolve("dev-token")).strip();
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertTrue(dev.isAlive(), () -> "./capsule dev exited:\n" + Ports.tail(log, 40));
            HttpResponse<String> answer;
            try {
                answer = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + STACK.get("CAPSULE_GATEWAY_PORT") + "/api/sessions/" + session + "/messages"))
                        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"" + text + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
            } catch (java.net.http.HttpTimeoutException e) {
                throw new AssertionError("no answer within 10 s: dev mode is not consuming yet", e);
            }
            assertTrue(answer.statusCode() == 200 && answer.body().contains(expected),
                    () -> "the answer holds no " + expected + ": " + answer.statusCode() + " " + answer.body() + "\n" + Ports.tail(log, 20));
        });
    }

    record Result(int exit, String output) {

        /** The end of the output, which says why a command failed, for an assertion's message. */
        String tail() {
            return output.length() > 8_000 ? "…" + output.substring(output.length() - 8_000) : output;
        }
    }

    static Result run(List<String> command, Path dir, Duration timeout) {
        return run(command, dir, timeout, Map.of());
    }

    /** Runs a command with the stack's home and ports, and {@code env} on top (a null value removes a variable). */
    static Result run(List<String> command, Path dir, Duration timeout, Map<String, String> env) {
        try {
            Path log = Files.createTempFile(Files.createDirectories(WORK), "command-", ".log");
            ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("CAPSULE_HOME", HOME.toString());
            pb.environment().putAll(STACK);
            env.forEach((name, value) -> {
                if (value == null) {
                    pb.environment().remove(name);
                } else {
                    pb.environment().put(name, value);
                }
            });
            Process process = pb.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError(command + " did not finish within " + timeout + "; it said:\n" + Ports.tail(log, 60));
            }
            return new Result(process.exitValue(), Files.readString(log));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
