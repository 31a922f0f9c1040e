package dev.capsule.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import dev.capsule.testing.Ports;
import dev.capsule.testing.PrometheusText;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.nio.file.Files;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Time in sessions on the packaged services, two session-service replicas, the demo app: idle
 * sessions close (exit() once) whatever happens to the replica that owns them, and jobs scheduled
 * with /remind fire once, with two replicas and across a restart of them all, and replicas told to stop finish
 * the turns they run first. The idle timeout is four seconds here (CAPSULE_SESSION_IDLE_TIMEOUT).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SessionTimeIT {

    static final Duration WAIT = Duration.ofSeconds(90);
    static final List<ServiceProcess> services = new ArrayList<>();
    static final Map<String, String> env = new HashMap<>();
    static GatewayApi api;
    static String gateway;
    static int replicas;

    @BeforeAll
    static void startServices() throws Exception {
        StackIdentity identity = new StackIdentity();
        api = new GatewayApi(identity);
        env.putAll(identity.env());
        env.put("CAPSULE_SESSION_IDLE_TIMEOUT", "PT4S");
        env.put("CAPSULE_SESSION_SHUTDOWN_DRAIN", "PT60S");
        int port = Ports.free();
        services.add(ServiceProcess.start("persistence-service", "time-persistence", Ports.free(), env));
        services.add(sessionService());
        services.add(sessionService());
        services.add(ServiceProcess.start("gateway-service", "time-gateway", port, env));
        services.forEach(s -> s.awaitReady(Duration.ofSeconds(120)));
        gateway = "http://127.0.0.1:" + port;
    }

    @AfterAll
    static void stopServices() {
        services.forEach(ServiceProcess::close);
    }

    private static ServiceProcess sessionService() {
        return ServiceProcess.start("session-service", "time-session-" + (++replicas), Ports.free(), env);
    }

    @Test
    @Order(1)
    void idleSessionsCloseOnceEachThoughRedisLosesEverythingAndTheirReplicaIsKilledMidClose() throws Exception {
        String user = "idle-" + UUID.randomUUID();
        List<String> sessions = IntStream.range(0, 16).mapToObj(i -> "idle-" + UUID.randomUUID()).toList();
        sessions.forEach(s -> assertEquals(List.of("#1: hello"), GatewayApi.replies(api.say(gateway, s, user, "hello"))));
        // Due times are not Redis's: a replica that takes a session over finds it in PostgreSQL.
        MessagePathIT.flushRedis();

        // The closes fall due; once the first is done, kill -9 a replica with others in flight, and add one (a rebalance).
        await().atMost(WAIT).until(() -> !api.closedSessions(gateway, user).isEmpty());
        ServiceProcess victim = services.stream().filter(p -> p.name.startsWith("time-session-")).findFirst().orElseThrow();
        victim.kill();
        services.remove(victim);
        ServiceProcess added = sessionService();
        services.add(added);
        added.awaitReady(Duration.ofSeconds(120));

        await().atMost(WAIT).until(() -> sessions.stream()
                .allMatch(s -> api.status(gateway, s, user).get("status").asText().equals("closed")));
        Map<String, Long> exits = closesBySession(user);
        assertEquals(sessions.stream().collect(Collectors.toMap(Function.identity(), s -> 1L)), exits,
                "exit() ran once per session: one closed-sessions document each");
        // Sweeps go on: nothing closes twice later.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> closesBySession(user).equals(exits));
    }

    @Test
    @Order(2)
    void aRemindFiresOnceWithTwoReplicasAndAJobDueWhileEveryReplicaIsDownFiresOnceAfterTheRestart() {
        String user = "remind-" + UUID.randomUUID();
        List<String> sessions = IntStream.range(0, 6).mapToObj(i -> "remind-" + UUID.randomUUID()).toList();
        sessions.forEach(s -> api.say(gateway, s, user, "/remind 1 first"));
        await().atMost(WAIT).until(() -> sessions.stream().allMatch(s -> api.historyTexts(gateway, s, user).contains("first")));

        sessions.forEach(s -> api.say(gateway, s, user, "/remind 2 second"));
        List<ServiceProcess> all = services.stream().filter(p -> p.name.startsWith("time-session-")).toList();
        all.forEach(ServiceProcess::kill);
        services.removeAll(all);
        ServiceProcess one = sessionService();
        ServiceProcess two = sessionService();
        services.add(one);
        services.add(two);
        one.awaitReady(Duration.ofSeconds(120));
        two.awaitReady(Duration.ofSeconds(120));

        await().atMost(WAIT).until(() -> sessions.stream().allMatch(s -> api.historyTexts(gateway, s, user).contains("second")));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> sessions.stream().allMatch(s -> {
            List<String> texts = api.historyTexts(gateway, s, user);
            return texts.stream().filter("first"::equals).count() == 1 && texts.stream().filter("second"::equals).count() == 1;
        }));
    }

    /** Last, since it stops every session-service replica for good. */
    @Test
    @Order(3)
    void replicasToldToStopFinishTheTurnsTheyRunFirst() throws Exception {
        String s = "drain-" + UUID.randomUUID();
        String user = "drain-" + UUID.randomUUID();
        // A 15-second stream, longer than the Kafka connector's own wait at close for records in flight. Both replicas
        // get SIGTERM (a rolling update's) while it runs, and none is left to run it again: its answer comes whole only
        // if the replica running it lets it finish before leaving.
        CompletableFuture<JsonNode> answer = CompletableFuture.supplyAsync(() -> api.say(gateway, s, user, "/stream 150 10"));
        List<ServiceProcess> replicas = services.stream().filter(p -> p.name.startsWith("time-session-")).toList();
        // Told to stop once a replica runs the turn (its metrics count it in flight), while the stream still runs.
        await().atMost(WAIT).until(() -> replicas.stream().anyMatch(p -> turnsInFlight(p) >= 1));
        assertFalse(answer.isDone(), "the stream is still running when the replicas are told to stop");
        replicas.parallelStream().forEach(ServiceProcess::close);
        services.removeAll(replicas);

        JsonNode events = answer.get();
        JsonNode end = StreamSupport.stream(events.get("events").spliterator(), false)
                .filter(e -> e.get("type").asText().equals("stream.end")).findFirst().orElseThrow(() -> new AssertionError(events));
        assertEquals(150, end.get("text").asText().strip().split("\\s+").length, end.toString());
        assertFalse(end.get("cancelled").asBoolean());
        assertTrue(replicas.stream().anyMatch(p -> logOf(p).contains("stopping: the turns under way are done")),
                "a replica waited for its turn");
    }

    /** The replica's turns in flight, as its /q/metrics says. */
    private static double turnsInFlight(ServiceProcess process) {
        try {
            HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + process.port + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            return PrometheusText.value(metrics.body(), "capsule_turns_in_flight");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String logOf(ServiceProcess process) {
        try {
            return Files.readString(process.log);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, Long> closesBySession(String user) {
        return api.closedSessions(gateway, user).stream().map(d -> d.path("data").path("sessionId").asText())
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

}
