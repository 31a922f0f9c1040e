package dev.capsule.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capsule.events.EventCodec;
import dev.capsule.events.InboundMessage;
import dev.capsule.events.Topics;
import dev.capsule.events.TraceContext;
import dev.capsule.events.UserRef;
import dev.capsule.kafka.MessageTraces;
import dev.capsule.testing.Ports;
import dev.capsule.testing.TestStack;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The message path as a user meets it: two gateway replicas, two session-service replicas and
 * persistence-service, each a packaged service in its own process, on real Kafka, Redis and
 * PostgreSQL, running the demo app. No sticky sessions: a user's requests go to either gateway.
 */
class MessagePathIT {

    static final List<ServiceProcess> services = new ArrayList<>();
    static final Map<String, String> env = new HashMap<>();
    static StackIdentity identity;
    static GatewayApi api;
    static TraceCollector traces;
    static String gatewayA;
    static String gatewayB;

    @BeforeAll
    static void startServices() throws Exception {
        identity = new StackIdentity();
        api = new GatewayApi(identity);
        env.putAll(identity.env());
        traces = new TraceCollector();
        env.putAll(traces.env());
        // JSON logs, as in k8s: withJsonLogsATurnsLinesCarryItsSessionMessageAndTraceIds reads them.
        env.put("CAPSULE_LOG_FORMAT", "json");

        int a = Ports.free();
        int b = Ports.free();
        services.add(ServiceProcess.start("persistence-service", "persistence", Ports.free(), env));
        services.add(ServiceProcess.start("session-service", "session-1", Ports.free(), env));
        services.add(ServiceProcess.start("session-service", "session-2", Ports.free(), env));
        services.add(ServiceProcess.start("gateway-service", "gateway-a", a, env));
        services.add(ServiceProcess.start("gateway-service", "gateway-b", b, env));
        services.forEach(s -> s.awaitReady(Duration.ofSeconds(120)));
        gatewayA = "http://127.0.0.1:" + a;
        gatewayB = "http://127.0.0.1:" + b;
    }

    /** The types the tests of this class make the services write, each of which the contract audit must meet. */
    static final Set<String> AUDITED = Set.of("inbound.message", "inbound.close", "reply", "notify", "stream.chunk", "stream.end",
            "show", "turn.ended", "session.opened", "session.closed", "state.changed", "document.changed");

    /**
     * Stops the services, then holds every record they wrote in this class's tests to the published event contract
     * (issue 17): after they stop, so that what they flushed on the way out is checked too.
     */
    @AfterAll
    static void stopServices() {
        try {
            if (gatewayA != null) {
                // The one kind of answer no test here asks for: a block.
                say(gatewayA, "it-" + UUID.randomUUID(), "audit", "/card");
            }
        } finally {
            services.forEach(ServiceProcess::close);
            if (traces != null) {
                traces.close();
            }
        }
        if (gatewayA != null) {
            ContractAudit.ofEveryRecordOnTheTopics().assertChecked(AUDITED);
        }
    }

    static String token(String user) {
        return api.token(user);
    }

    static HttpResponse<String> post(String base, String path, String user, String body, String accept) {
        return api.post(base, path, user, body, accept);
    }

    static JsonNode say(String base, String session, String user, String text) {
        return api.say(base, session, user, text);
    }

    static JsonNode json(String body) {
        return GatewayApi.json(body);
    }

    static List<String> replies(JsonNode answer) {
        return GatewayApi.replies(answer);
    }

    static JsonNode history(String base, String session, String user) {
        return api.history(base, session, user);
    }

    @Test
    void repliesFindTheGatewayReplicaThatWaitsForThemWhicheverItIs() {
        String s = "it-" + UUID.randomUUID();
        assertEquals(List.of("#1: hello"), replies(say(gatewayA, s, "ana", "hello")));
        assertEquals(List.of("#2: again"), replies(say(gatewayB, s, "ana", "again")));
        assertEquals(List.of("#3: and back"), replies(say(gatewayA, s, "ana", "and back")));
    }

    /** DESIGN invariant 8: one trace per message, through every event it causes, on every topic. */
    @Test
    void everyEventOfATurnCarriesItsMessagesOneTrace() throws Exception {
        String s = "it-" + UUID.randomUUID();
        JsonNode untraced = say(gatewayA, s, "di", "no trace sent");
        String begun = oneTraceId(untraced);

        String sent = "00-" + UUID.randomUUID().toString().replace("-", "") + "-00f067aa0ba902b7-01";
        HttpResponse<String> r = api.http().send(HttpRequest.newBuilder(URI.create(gatewayB + "/api/sessions/" + s + "/messages"))
                .header("Authorization", "Bearer " + token("di")).header("Content-Type", "application/json")
                .header("traceparent", sent).header("tracestate", "capsule=it").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"/stream\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        String continued = oneTraceId(json(r.body()));
        assertEquals(MessageTraces.traceId(sent), continued, "a sender's trace is continued");
        assertTrue(!begun.equals(continued), "each message its own trace");

        // The spans of the services it went through are that one trace, as a collector sees them.
        Set<String> services = Set.of("gateway-service", "session-service", "persistence-service");
        for (String trace : List.of(begun, continued)) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertEquals(services, traces.servicesIn(trace, services), "services with spans in trace " + trace));
        }

        // What persistence-service folds carries it too, in the Kafka header its consumer's span continues.
        List<String> stateTraces = new ArrayList<>();
        List<String> stateVendors = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestStack.kafka().bootstrapServers()),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.CHANGES).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(500))) {
                    Header header = rec.headers().lastHeader("traceparent");
                    if (s.equals(rec.key()) && header != null) {
                        stateTraces.add(MessageTraces.traceId(new String(header.value(), StandardCharsets.UTF_8)));
                        Header vendor = rec.headers().lastHeader("tracestate");
                        if (vendor != null) {
                            stateVendors.add(new String(vendor.value(), StandardCharsets.UTF_8));
                        }
                    }
                }
                return stateTraces.containsAll(List.of(begun, continued));
            });
            assertTrue(stateVendors.contains("capsule=it"), "the sender's tracestate travels too: " + stateVendors);
        }
    }

    /** The one trace id every event of {@code answer} carries (each has a valid W3C traceparent). */
    static String oneTraceId(JsonNode answer) {
        List<String> ids = StreamSupport.stream(answer.get("events").spliterator(), false).map(e -> {
            String traceparent = e.path("trace").path("traceparent").asText("");
            assertTrue(MessageTraces.valid(traceparent), "a W3C traceparent on " + e);
            return MessageTraces.traceId(traceparent);
        }).distinct().toList();
        assertEquals(1, ids.size(), "one trace for the whole turn: " + ids);
        return ids.getFirst();
    }

    @Test
    void aStreamArrivesAsServerSentEventsThroughEitherReplica() {
        String s = "it-" + UUID.randomUUID();
        HttpResponse<String> r = post(gatewayB, "/api/sessions/" + s + "/messages", "bo", "{\"text\":\"/stream\"}", "text/event-stream");
        assertEquals(200, r.statusCode(), r.body());
        long chunks = r.body().lines().filter(l -> l.equals("event:stream.chunk")).count();
        // The demo's 23 words come 15 ms apart; coalesced, at most one chunk per 50 ms window goes out.
        assertTrue(chunks >= 2 && chunks < 23, "a few coalesced chunks, got " + chunks + ":\n" + r.body());
        List<String> kinds = r.body().lines().filter(l -> l.startsWith("event:")).toList();
        assertEquals("event:turn.ended", kinds.get(kinds.size() - 1));
        assertTrue(kinds.indexOf("event:stream.end") > kinds.lastIndexOf("event:stream.chunk"));
    }

    @Test
    void manySessionsAcrossBothReplicasEachGetTheirRepliesInOrder() {
        List<String> sessions = IntStream.range(0, 12).mapToObj(i -> "it-" + UUID.randomUUID()).toList();
        List<CompletableFuture<List<String>>> all = sessions.stream().map(s -> CompletableFuture.supplyAsync(() -> {
            List<String> got = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                got.addAll(replies(say(i % 2 == 0 ? gatewayA : gatewayB, s, "user-" + s, "m" + i)));
            }
            return got;
        })).toList();
        for (CompletableFuture<List<String>> f : all) {
            assertEquals(List.of("#1: m1", "#2: m2", "#3: m3", "#4: m4", "#5: m5"), f.join());
        }
    }

    /**
     * A replica keeps the state of the sessions it runs in memory; when partitions leave it and come
     * back, another replica has run their sessions meanwhile, so what it remembered is stale. Here
     * one replica owns every partition, a second joins and takes some, then leaves and gives them back.
     */
    @Test
    void sessionsGoOnInOrderWhenTheirPartitionLeavesAReplicaAndComesBack() throws Exception {
        List<ServiceProcess> replicas = services.stream().filter(p -> p.name.startsWith("session-")).toList();
        ServiceProcess stays = replicas.get(0);
        replicas.subList(1, replicas.size()).forEach(ServiceProcess::close);
        services.removeAll(replicas.subList(1, replicas.size()));
        List<String> sessions = IntStream.range(0, 18).mapToObj(i -> "it-" + UUID.randomUUID()).toList();
        sayToEach(sessions, 1);

        ServiceProcess joins = ServiceProcess.start("session-service", "session-joins-" + UUID.randomUUID(), Ports.free(), env);
        services.add(joins);
        joins.awaitReady(Duration.ofSeconds(120));
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(joins.log).contains("inbound partitions assigned"));
        sayToEach(sessions, 2);

        joins.close();
        services.remove(joins);
        sayToEach(sessions, 3);
        assertTrue(stays.isAlive());

        ServiceProcess second = ServiceProcess.start("session-service", "session-" + UUID.randomUUID(), Ports.free(), env);
        services.add(second);
        second.awaitReady(Duration.ofSeconds(120));
    }

    /** Says message {@code n} in every session at once and checks each answer is the session's n-th. */
    private static void sayToEach(List<String> sessions, int n) {
        List<CompletableFuture<List<String>>> answers = sessions.stream()
                .map(s -> CompletableFuture.supplyAsync(() -> replies(say(n % 2 == 0 ? gatewayA : gatewayB, s, "user-" + s, "m" + n))))
                .toList();
        for (CompletableFuture<List<String>> answer : answers) {
            assertEquals(List.of("#" + n + ": m" + n), answer.join());
        }
    }

    @Test
    void historyIsWhatWasSaidOnceEachEvenAfterARedelivery() throws Exception {
        String s = "it-" + UUID.randomUUID();
        say(gatewayA, s, "cy", "first");
        say(gatewayB, s, "cy", "/stream");
        say(gatewayA, s, "cy", "/card");
        // Deliver the first message's event again, as Kafka may after a crash.
        JsonNode page = history(gatewayA, s, "cy");
        String firstId = page.get("messages").get(0).get("id").asText();
        InboundMessage again = new InboundMessage(firstId, "1.0", s, java.time.Instant.now(), TraceContext.NONE,
                new UserRef("cy", null, "cy"), "api", "first", null, null);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestStack.kafka().bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.INBOUND, s, EventCodec.encode(again))).get();
        }
        say(gatewayB, s, "cy", "last");
        await().atMost(Duration.ofSeconds(30)).until(() -> history(gatewayB, s, "cy").get("messages").size() == 8);
        List<String> said = StreamSupport.stream(history(gatewayB, s, "cy").get("messages").spliterator(), false)
                .map(m -> m.get("role").asText() + ":" + m.get("kind").asText() + ":" + m.get("text").asText()).toList();
        assertEquals("user:text:first", said.get(0));
        assertEquals("app:text:#1: first", said.get(1));
        assertEquals("user:text:/stream", said.get(2));
        assertTrue(said.get(3).startsWith("app:stream:Streaming is how"), said.get(3));
        assertEquals("user:text:/card", said.get(4));
        assertTrue(said.get(5).startsWith("app:block:Ship the demo [open]"), said.get(5));
        assertEquals("user:text:last", said.get(6));
        assertEquals("app:text:#4: last", said.get(7), "the redelivered message was not run again: turn 4, not 5");
    }

    @Test
    void withJsonLogsATurnsLinesCarryItsSessionMessageAndTraceIds() throws Exception {
        String s = "it-" + UUID.randomUUID();
        say(gatewayA, s, "eve", "mine");
        // Another user's message straight onto the log (the gateway would refuse it): session-service drops it, saying so.
        String traceId = "4bf92f3577b34da6a3ce929d0e0e" + String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
        InboundMessage foreign = new InboundMessage(UUID.randomUUID().toString(), "1.0", s, java.time.Instant.now(),
                new TraceContext("00-" + traceId + "-00f067aa0ba902b7-01", null), new UserRef("mallory", null, "mallory"),
                "api", "theirs", null, null);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestStack.kafka().bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.INBOUND, s, EventCodec.encode(foreign))).get();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> jsonLogLines("session-").anyMatch(line ->
                line.path("message").asText().contains("from user mallory dropped")
                        && line.path("mdc").path("sessionId").asText().equals(s)
                        && line.path("mdc").path("messageId").asText().equals(foreign.eventId())
                        && line.path("mdc").path("traceId").asText().equals(traceId)
                        && line.path("level").asText().equals("WARN")));
    }

    /** The JSON lines of the services whose names start with {@code prefix}: not the JVM's own warnings before them. */
    static java.util.stream.Stream<JsonNode> jsonLogLines(String prefix) {
        return services.stream().filter(p -> p.name.startsWith(prefix)).flatMap(p -> {
            try {
                return Files.readAllLines(p.log).stream().filter(line -> line.startsWith("{")).map(MessagePathIT::json);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    void aSessionGoesOnAsIfNothingHappenedWhenRedisLosesEverything() throws Exception {
        String s = "it-" + UUID.randomUUID();
        assertEquals(List.of("#1: one"), replies(say(gatewayA, s, "di", "one")));
        assertEquals(List.of("#2: two"), replies(say(gatewayB, s, "di", "two")));
        flushRedis();
        JsonNode third = say(gatewayA, s, "di", "three");
        assertEquals(List.of("#3: three"), replies(third), "the turn number continues from PostgreSQL's snapshot");
        assertTrue(StreamSupport.stream(third.get("events").spliterator(), false).noneMatch(e -> e.get("type").asText().equals("notify")),
                "enter() did not run again (its welcome notify would be here)");
        await().atMost(Duration.ofSeconds(30)).until(() -> history(gatewayB, s, "di").get("messages").size() == 6);
        assertEquals(List.of("one", "#1: one", "two", "#2: two", "three", "#3: three"),
                StreamSupport.stream(history(gatewayB, s, "di").get("messages").spliterator(), false)
                        .map(m -> m.get("text").asText()).toList());
    }

    @Test
    void notesAreReadBackInTheSameTurnAndTheNextAnywhereButNeverByAnotherUser() {
        String ed = "ed-" + UUID.randomUUID();
        String fi = "fi-" + UUID.randomUUID();
        String first = "it-" + UUID.randomUUID();
        String second = "it-" + UUID.randomUUID();
        assertEquals(List.of("Noted: buy milk (1 notes)"), replies(say(gatewayA, first, ed, "/remember buy milk")));
        // The count is read in the turn that wrote: it sees its own write.
        assertEquals(List.of("Noted: call Ana (2 notes)"), replies(say(gatewayB, first, ed, "/remember call Ana")));
        // Another session of the same user, through the other gateway, at once.
        assertEquals(List.of("Your notes:\n- call Ana\n- buy milk"), replies(say(gatewayA, second, ed, "/notes")));
        assertEquals(List.of("No notes yet. Try /remember buy milk"), replies(say(gatewayB, "it-" + UUID.randomUUID(), fi, "/notes")));
    }

    @Test
    void aTurnCutByKillNineRunsAgainAndItsWriteAndReplyCountOnce() throws Exception {
        String user = "gu-" + UUID.randomUUID();
        String s = "it-" + UUID.randomUUID();
        // Ten notes make the summary's stream long enough (about half a second) to cut in the middle.
        for (int i = 1; i <= 10; i++) {
            say(i % 2 == 0 ? gatewayA : gatewayB, s, user, "/remember note number " + i);
        }
        try (EventTap changes = new EventTap(Topics.CHANGES); EventTap outbound = new EventTap(Topics.OUTBOUND)) {
            CompletableFuture<JsonNode> summary = CompletableFuture.supplyAsync(() -> say(gatewayB, s, user, "/summary"));
            // Mid-turn: the summary note is written and its stream has begun, not ended.
            await().atMost(Duration.ofSeconds(30)).until(() -> changes.has(s, "document.changed") && outbound.has(s, "stream.chunk"));
            assertTrue(!outbound.has(s, "stream.end"), "the kill must land before the turn ends");
            List<ServiceProcess> sessions = services.stream().filter(p -> p.name.startsWith("session-")).toList();
            sessions.forEach(ServiceProcess::kill);
            services.removeAll(sessions);
            services.add(ServiceProcess.start("session-service", "session-3", Ports.free(), env));
            services.add(ServiceProcess.start("session-service", "session-4", Ports.free(), env));
            services.forEach(p -> p.awaitReady(Duration.ofSeconds(120)));

            JsonNode answer = summary.get(90, java.util.concurrent.TimeUnit.SECONDS);
            List<String> kinds = StreamSupport.stream(answer.get("events").spliterator(), false).map(e -> e.get("type").asText()).toList();
            assertEquals(1, kinds.stream().filter("stream.end"::equals).count(), "the waiting request saw one whole stream: " + kinds);
        }
        JsonNode notes = say(gatewayA, s, user, "/notes");
        List<String> lines = List.of(replies(notes).get(0).split("\n"));
        assertEquals(12, lines.size(), "one summary note and the ten notes, under the title: " + lines);
        assertTrue(lines.get(1).startsWith("- Summary of 10 notes"), lines.toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> history(gatewayB, s, user).get("messages").size() == 24);
        long streams = StreamSupport.stream(history(gatewayB, s, user).get("messages").spliterator(), false)
                .filter(m -> m.get("kind").asText().equals("stream")).count();
        assertEquals(1, streams, "the re-run turn's stream is kept once");
    }

    @Test
    void whilePersistenceIsDownTurnsGoOnAndItCatchesUpWithNoLossAndNoDuplicate() {
        String user = "hu-" + UUID.randomUUID();
        String s = "it-" + UUID.randomUUID();
        ServiceProcess persistence = services.stream().filter(p -> p.name.startsWith("persistence")).findFirst().orElseThrow();
        persistence.close();
        services.remove(persistence);
        for (int i = 1; i <= 5; i++) {
            assertEquals(List.of("#" + i + ": while down " + i), replies(say(i % 2 == 0 ? gatewayA : gatewayB, s, user, "while down " + i)));
        }
        assertEquals(0, history(gatewayA, s, user).get("messages").size(), "nothing is folded while persistence is down");
        ServiceProcess again = ServiceProcess.start("persistence-service", "persistence-2", Ports.free(), env);
        services.add(again);
        again.awaitReady(Duration.ofSeconds(120));
        await().atMost(Duration.ofSeconds(60)).until(() -> history(gatewayB, s, user).get("messages").size() >= 10);
        List<String> said = StreamSupport.stream(history(gatewayB, s, user).get("messages").spliterator(), false)
                .map(m -> m.get("text").asText()).toList();
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            expected.add("while down " + i);
            expected.add("#" + i + ": while down " + i);
        }
        assertEquals(expected, said);
    }

    /** Every event of one topic from now on, for checking what happened mid-turn. */
    static final class EventTap implements AutoCloseable {
        private final org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]> consumer;
        private final List<dev.capsule.events.CapsuleEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final Thread reader;
        private volatile boolean running = true;

        EventTap(String topic) {
            consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(Map.of(
                    "bootstrap.servers", TestStack.kafka().bootstrapServers()),
                    new org.apache.kafka.common.serialization.StringDeserializer(),
                    new org.apache.kafka.common.serialization.ByteArrayDeserializer());
            List<org.apache.kafka.common.TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            reader = Thread.ofPlatform().daemon().start(() -> {
                while (running) {
                    consumer.poll(Duration.ofMillis(20)).forEach(r -> seen.add(EventCodec.decode(r.value())));
                }
                consumer.close();
            });
        }

        boolean has(String session, String type) {
            return seen.stream().anyMatch(e -> e.sessionId().equals(session) && e.type().equals(type));
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            reader.join(5000);
        }
    }

    /** What `redis-cli FLUSHALL` does, spoken directly. */
    static void flushRedis() throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", TestStack.redis().port())) {
            socket.getOutputStream().write("*1\r\n$8\r\nFLUSHALL\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] answer = new byte[5];
            int n = socket.getInputStream().read(answer);
            assertEquals("+OK", new String(answer, 0, Math.max(0, n), java.nio.charset.StandardCharsets.US_ASCII).strip());
        }
    }

    @Test
    void afterRedisLosesEverythingAnotherUserIsStillRefusedAndTheOwnerReadsTheWholeHistory() throws Exception {
        ownershipOutlivesTheLossOfRedis(MessagePathIT::flushRedis);
    }

    @Test
    void afterARedisRestartWithoutPersistenceAnotherUserIsStillRefusedAndTheOwnerReadsTheWholeHistory() throws Exception {
        ownershipOutlivesTheLossOfRedis(() -> TestStack.redis().restart());
    }

    /** Issue 11's scenario: A writes a secret; Redis loses everything; B is refused everywhere; A goes on. */
    private static void ownershipOutlivesTheLossOfRedis(RedisLoss loss) throws Exception {
        String s = "victim-" + UUID.randomUUID();
        String a = "a-" + UUID.randomUUID();
        String b = "b-" + UUID.randomUUID();
        assertEquals(List.of("#1: my secret is 1234"), replies(say(gatewayA, s, a, "my secret is 1234")));
        await().atMost(Duration.ofSeconds(30)).until(() -> history(gatewayA, s, a).get("messages").size() == 2);

        loss.happen();

        for (String gateway : List.of(gatewayA, gatewayB)) {
            HttpResponse<String> read = get(gateway, "/api/sessions/" + s + "/history", b);
            assertEquals(403, read.statusCode(), read.body());
            assertTrue(!read.body().contains("1234"), read.body());
            HttpResponse<String> write = post(gateway, "/api/sessions/" + s + "/messages", b, "{\"text\":\"mine now\"}", "application/json");
            assertEquals(403, write.statusCode(), write.body());
        }
        assertEquals(List.of("#2: still mine"), replies(say(gatewayB, s, a, "still mine")));
        await().atMost(Duration.ofSeconds(30)).until(() -> history(gatewayB, s, a).get("messages").size() == 4);
        assertEquals(List.of("my secret is 1234", "#1: my secret is 1234", "still mine", "#2: still mine"),
                StreamSupport.stream(history(gatewayA, s, a).get("messages").spliterator(), false)
                        .map(m -> m.get("text").asText()).toList());
    }

    @FunctionalInterface
    interface RedisLoss {
        void happen() throws Exception;
    }

    @Test
    void ofTwoUsersRacingForANewIdThroughTwoGatewaysExactlyOneWinsAndOnlyTheirMessageIsKept() {
        for (int round = 0; round < 5; round++) {
            String s = "race-" + UUID.randomUUID();
            String ana = "ana-" + UUID.randomUUID();
            String ben = "ben-" + UUID.randomUUID();
            CompletableFuture<HttpResponse<String>> viaA = CompletableFuture.supplyAsync(() ->
                    post(gatewayA, "/api/sessions/" + s + "/messages", ana, "{\"text\":\"ana was here\"}", "application/json"));
            CompletableFuture<HttpResponse<String>> viaB = CompletableFuture.supplyAsync(() ->
                    post(gatewayB, "/api/sessions/" + s + "/messages", ben, "{\"text\":\"ben was here\"}", "application/json"));
            List<Integer> statuses = List.of(viaA.join().statusCode(), viaB.join().statusCode());
            assertTrue(statuses.equals(List.of(200, 403)) || statuses.equals(List.of(403, 200)), "round " + round + ": " + statuses);
            String winner = statuses.get(0) == 200 ? ana : ben;
            String loser = winner.equals(ana) ? ben : ana;
            for (String gateway : List.of(gatewayA, gatewayB)) {
                assertEquals(403, get(gateway, "/api/sessions/" + s + "/history", loser).statusCode());
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> history(gatewayB, s, winner).get("messages").size() == 2);
            assertEquals(winner.substring(0, 3) + " was here", history(gatewayA, s, winner).get("messages").get(0).get("text").asText());
        }
    }

    static HttpResponse<String> get(String base, String path, String user) {
        return api.get(base, path, user);
    }

    @Test
    void anotherUsersSessionIsRefused() {
        String s = "it-" + UUID.randomUUID();
        say(gatewayA, s, "owner", "mine");
        HttpResponse<String> r = post(gatewayB, "/api/sessions/" + s + "/messages", "intruder", "{\"text\":\"hi\"}", "application/json");
        assertEquals(403, r.statusCode(), r.body());
    }

    @Test
    void byeAndDeleteCloseTheSessionOnceEachItsExitKeepsItAndTheNextMessageOpensANewLife() {
        String user = "by-" + UUID.randomUUID();
        String s = "it-" + UUID.randomUUID();
        assertEquals(List.of("#1: hello"), replies(say(gatewayA, s, user, "hello")));
        assertEquals(List.of("Bye!"), replies(say(gatewayB, s, user, "/bye")));
        await().atMost(Duration.ofSeconds(30)).until(() -> status(gatewayA, s, user).get("status").asText().equals("closed"));
        await().atMost(Duration.ofSeconds(30)).until(() -> closedSessions(gatewayB, user).size() == 1);
        assertEquals(s, closedSessions(gatewayB, user).getFirst().path("data").path("sessionId").asText());

        JsonNode again = say(gatewayA, s, user, "again");
        assertEquals(List.of("#1: again"), replies(again), "a new life: the data starts empty");
        assertTrue(StreamSupport.stream(again.get("events").spliterator(), false).anyMatch(e -> e.get("type").asText().equals("notify")),
                "enter() ran again: its welcome notify is here");
        await().atMost(Duration.ofSeconds(30)).until(() -> status(gatewayB, s, user).get("status").asText().equals("open"));

        assertEquals(202, delete(gatewayB, s, user).statusCode());
        assertEquals(202, delete(gatewayA, s, user).statusCode(), "closing a closed session again is accepted, and does nothing");
        assertEquals(403, delete(gatewayA, s, "intruder").statusCode());
        await().atMost(Duration.ofSeconds(30)).until(() -> status(gatewayA, s, user).get("status").asText().equals("closed"));
        // The message after the closes waits on the session's lane behind both: had the second run exit(), its document would be there.
        assertEquals(List.of("#1: back"), replies(say(gatewayB, s, user, "back")));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(30)).until(() -> closedSessions(gatewayA, user).size() == 2);
    }

    static JsonNode status(String base, String session, String user) {
        return api.status(base, session, user);
    }

    static List<JsonNode> closedSessions(String base, String user) {
        return api.closedSessions(base, user);
    }

    static HttpResponse<String> delete(String base, String session, String user) {
        return api.delete(base, session, user);
    }
}
