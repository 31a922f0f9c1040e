package dev.capsule.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capsule.events.EventCodec;
import dev.capsule.testing.Ports;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ./capsule chat}: scripts/chat/Chat.java run as its own process by this JDK's source
 * launcher, its input piped as a script would, against the packaged gateway, session-service and
 * persistence-service on real Kafka, Redis and PostgreSQL, running the demo app.
 */
class ChatIT {

    static final Path CHAT = ServiceProcess.ROOT.resolve("scripts/chat/Chat.java");
    static final String STREAM = "Streaming is how a model's answer reaches you as it is written, one token at a time,"
            + " until the whole answer is there.";

    static final String HINT = "     (type a number to press that button)\n";

    static final List<ServiceProcess> services = new ArrayList<>();
    static final HttpClient http = HttpClient.newHttpClient();
    static StackIdentity identity;
    static String gateway;

    @BeforeAll
    static void startServices() throws Exception {
        identity = new StackIdentity();
        Map<String, String> env = identity.env();
        int port = Ports.free();
        services.add(ServiceProcess.start("persistence-service", "chat-persistence", Ports.free(), env));
        services.add(ServiceProcess.start("session-service", "chat-session", Ports.free(), env));
        services.add(ServiceProcess.start("gateway-service", "chat-gateway", port, env));
        services.forEach(s -> s.awaitReady(Duration.ofSeconds(120)));
        gateway = "http://127.0.0.1:" + port;
    }

    @AfterAll
    static void stopServices() {
        services.forEach(ServiceProcess::close);
    }

    /** A chat a failed test left running would go on writing; the next test must not share the machine with it. */
    @AfterEach
    void stopChats() {
        Chat.started.forEach(chat -> chat.process.destroyForcibly());
        Chat.started.clear();
    }

    static String newUser() {
        return "chat-" + UUID.randomUUID();
    }

    static String token(String user) {
        return identity.token(user, Duration.ofMinutes(10));
    }

    @Test
    void aReplyAndAStreamedAnswerShowWholeOnTheirLines() {
        String session = "chat-it-" + UUID.randomUUID();
        Chat chat = Chat.start(Map.of(), "--gateway", gateway, "--token", token(newUser()), session);
        chat.write("hello\n/stream\n");
        chat.closeInput();
        chat.awaitExit(0);

        List<String> lines = chat.stdout().lines().toList();
        assertTrue(lines.contains("Session " + session + " is new: your first message makes it yours."), chat.transcript());
        assertTrue(lines.contains("you> hello"), chat.transcript());
        assertTrue(lines.contains("app> #1: hello"), chat.transcript());
        assertTrue(lines.contains("you> /stream"), chat.transcript());
        assertTrue(lines.contains("app> " + STREAM), "the chunks make one line, the whole answer: " + chat.transcript());
        assertTrue(lines.indexOf("app> #1: hello") < lines.indexOf("app> " + STREAM), chat.transcript());
        assertEquals("", chat.stderr(), chat.transcript());
    }

    @Test
    void withoutAnIdItStartsASessionWhoseButtonsAreNumbersAndResumingItShowsItsHistory() {
        String token = token(newUser());
        Chat first = Chat.start(Map.of(), "--gateway", gateway, "--token", token);
        first.write("/card\n1\n");
        first.closeInput();
        first.awaitExit(0);

        Matcher created = Pattern.compile("New session (\\S+)\\. Resume it later with: \\./capsule chat (\\S+)").matcher(first.stdout());
        assertTrue(created.find(), first.transcript());
        String session = created.group(1);
        assertEquals(session, created.group(2));
        String card = """
                app> Ship the demo [open]
                       Turn: 1
                       Owner: %s
                       [1] Mark done
                       [2] Snooze
                """.formatted(first.user());
        assertTrue(first.stdout().contains(card), first.transcript());
        assertTrue(first.stdout().contains("you> 1\n→ Mark done\napp> Marked done.\n"), first.transcript());

        // The history is written by persistence-service a moment after the turns end.
        await().atMost(Duration.ofSeconds(30)).until(() -> history(session, token).size() == 4);
        Chat again = Chat.start(Map.of(), "--gateway", gateway, "--token", token, "--history", "3", session);
        again.closeInput();
        again.awaitExit(0);
        assertTrue(again.stdout().contains("Session " + session + ", the last 3 of 4 messages:\n"
                + card + HINT + "you> Mark done\napp> Marked done.\n"), again.transcript());
        assertFalse(again.stdout().contains("you> /card"), "only the last 3: " + again.transcript());
    }

    @Test
    void ctrlCStopsTheAnswerBeingWrittenCancelsItsTurnAndTheChatGoesOn() throws Exception {
        String token = token(newUser());
        String session = "chat-it-" + UUID.randomUUID();
        Chat chat = Chat.start(Map.of(), "--gateway", gateway, "--token", token, session);
        chat.write("/stream 200 20\n"); // ten seconds of words
        chat.awaitOutput("app> token1");
        Process kill = new ProcessBuilder("kill", "-INT", String.valueOf(chat.process.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor());
        chat.awaitOutput("(stopped)");
        chat.write("after\n");
        chat.closeInput();
        chat.awaitExit(0);

        assertTrue(chat.stdout().contains("\napp> #2: after\n"), chat.transcript());
        assertFalse(chat.stdout().contains("token200"), chat.transcript());
        // The app was told, not only the terminal: the history keeps the answer as far as it went.
        await().atMost(Duration.ofSeconds(30)).until(() -> history(session, token).size() == 4);
        // Found by kind, not place: "after" was sent while the cancel was under way, so it may come first.
        String kept = history(session, token).stream().filter(m -> m.path("kind").asText().equals("stream")).findFirst()
                .orElseThrow(() -> new AssertionError("no streamed answer in " + history(session, token))).path("text").asText();
        assertTrue(kept.startsWith("token1") && !kept.contains("token200"), "the turn was cancelled: " + kept);
    }

    @Test
    void anotherUsersSessionIsRefusedWithTheApisReason() {
        String session = "chat-it-" + UUID.randomUUID();
        Chat owner = Chat.start(Map.of(), "--gateway", gateway, "--token", token(newUser()), session);
        owner.write("mine\n");
        owner.closeInput();
        owner.awaitExit(0);

        Chat other = Chat.start(Map.of(), "--gateway", gateway, "--token", token(newUser()), session);
        other.closeInput();
        other.awaitExit(1);
        assertTrue(other.stderr().contains("session " + session + " belongs to another user (HTTP 403"), other.transcript());
    }

    @Test
    void withoutATokenOrAGatewayItSaysToStartTheStack() throws IOException {
        Path emptyHome = Files.createTempDirectory("capsule-chat-home");
        Chat noToken = Chat.start(Map.of("CAPSULE_HOME", emptyHome.toString()), "--gateway", gateway);
        noToken.awaitExit(1);
        assertTrue(noToken.stderr().contains(emptyHome.resolve("dev-token") + " does not exist"), noToken.transcript());
        assertTrue(noToken.stderr().contains("./capsule up"), noToken.transcript());

        String nowhere = "http://127.0.0.1:" + Ports.free();
        Chat noGateway = Chat.start(Map.of(), "--gateway", nowhere, "--token", token(newUser()));
        noGateway.awaitExit(1);
        assertTrue(noGateway.stderr().contains("the gateway at " + nowhere + " does not answer: start the local stack with ./capsule up"),
                noGateway.transcript());
    }

    static List<JsonNode> history(String session, String token) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gateway + "/api/sessions/" + session + "/history"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return List.of();
            }
            JsonNode page = EventCodec.mapper().readTree(r.body());
            return StreamSupport.stream(page.path("messages").spliterator(), false).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The chat as a process: what it prints is collected as it comes, so that a test can wait for a line. */
    static final class Chat {

        final Process process;
        private final StringBuffer out = new StringBuffer();
        private final StringBuffer err = new StringBuffer();
        private final String token;
        private final List<Thread> pumps;

        private Chat(Process process, String token) {
            this.process = process;
            this.token = token;
            this.pumps = List.of(pump(process.getInputStream(), out), pump(process.getErrorStream(), err));
        }

        static final List<Chat> started = new java.util.concurrent.CopyOnWriteArrayList<>();

        static Chat start(Map<String, String> env, String... args) {
            // Through env --default-signal=INT, which execs the JVM in its place (same pid): a suite started in the
            // background by a shell without job control (CI, fresh-check) runs with SIGINT ignored, which children
            // inherit, and a JVM that starts with SIGINT ignored lets no handler have it, so Ctrl-C would do nothing.
            List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=INT",
                    ProcessHandle.current().info().command().orElse("java"), CHAT.toString()));
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd);
            Map<String, String> environment = pb.environment();
            // What the machine's shell may have set must not choose the token or its file here.
            environment.remove("CAPSULE_TOKEN");
            environment.remove("CAPSULE_HOME");
            environment.putAll(new HashMap<>(env));
            int t = cmd.indexOf("--token");
            try {
                Chat chat = new Chat(pb.start(), t < 0 ? null : cmd.get(t + 1));
                started.add(chat);
                return chat;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + cmd, e);
            }
        }

        // Platform threads: a virtual thread blocked reading a pipe holds its carrier, and a busy machine has few.
        private static Thread pump(InputStream in, StringBuffer into) {
            return Thread.ofPlatform().daemon().start(() -> {
                try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                    char[] buffer = new char[4096];
                    for (int n; (n = reader.read(buffer)) > 0; ) {
                        into.append(buffer, 0, n);
                    }
                } catch (IOException e) {
                    into.append("\n[reading failed: ").append(e).append(']');
                }
            });
        }

        /** The user its token names: the demo app's cards show it. */
        String user() {
            String payload = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
            try {
                return EventCodec.mapper().readTree(payload).path("sub").asText();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void write(String text) {
            try {
                OutputStream in = process.getOutputStream();
                in.write(text.getBytes(StandardCharsets.UTF_8));
                in.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("the chat no longer reads its input:\n" + transcript(), e);
            }
        }

        void closeInput() {
            try {
                process.getOutputStream().close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void awaitOutput(String text) {
            try {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> out.indexOf(text) >= 0);
            } catch (RuntimeException e) {
                throw new AssertionError("the chat did not print '" + text + "':\n" + transcript(), e);
            }
        }

        void awaitExit(int expected) {
            try {
                if (!process.waitFor(90, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("the chat did not end:\n" + transcript());
                }
                for (Thread pump : pumps) {
                    pump.join(Duration.ofSeconds(5)); // what it printed last may still be in the pipes
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            assertEquals(expected, process.exitValue(), transcript());
        }

        String stdout() {
            return out.toString();
        }

        String stderr() {
            return err.toString();
        }

        String transcript() {
            return "--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
        }
    }
}
