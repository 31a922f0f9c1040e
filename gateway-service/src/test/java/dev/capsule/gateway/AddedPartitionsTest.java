package dev.capsule.gateway;

import static dev.capsule.gateway.Gateway.as;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.events.EventCodec;
import dev.capsule.events.EventMeta;
import dev.capsule.events.InboundMessage;
import dev.capsule.events.Reply;
import dev.capsule.events.Topics;
import dev.capsule.events.TurnEnded;
import dev.capsule.kafka.EventPublisher;
import dev.capsule.kafka.KafkaConnection;
import dev.capsule.testing.KafkaBroker;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.TestStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/**
 * Partitions added to {@code capsule.outbound} while the gateway runs: a reply that lands in one of them reaches the
 * request waiting for it, without a restart. The test plays session-service itself and answers from a producer made
 * after the partitions were added, so that the session's key maps to a new partition, as it would for
 * session-service once its producer's metadata shows them.
 *
 * <p>Partitions cannot be removed, so this gateway runs against a Kafka broker of its own (its profile starts it),
 * not the module's shared one, whose three partitions per topic every other test relies on. That broker listens in
 * plain text only, so this is the one gateway test whose Kafka clients do not sign in.
 */
@QuarkusTest
@TestProfile(AddedPartitionsTest.OwnBroker.class)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
class AddedPartitionsTest {

    private static final String BROKER = "capsule.test.added-partitions.kafka";
    private static final int GROWN = 2 * KafkaBroker.PARTITIONS;

    public static class OwnBroker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(TestStack.postgresConfig());
            config.putAll(gatewayKafkaConfig());
            config.put("capsule.gateway.outbound-feed.partition-refresh", "PT3S");
            config.put("capsule.gateway.turn-timeout", "PT15S");
            return config;
        }
    }

    /**
     * The gateway's {@code kafka.*} settings for the broker of this test, which starts once per JVM: Quarkus may load
     * this class in more than one class loader, so where it listens is kept in a system property, as {@link TestStack}
     * does. In plain text, unlike the shared broker: see {@link KafkaBroker#startPlainOnly()}.
     */
    private static synchronized Map<String, String> gatewayKafkaConfig() {
        if (System.getProperty(BROKER) == null) {
            KafkaBroker broker = KafkaBroker.startPlainOnly();
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "stop-added-partitions-kafka"));
            System.setProperty(BROKER, broker.bootstrapServers());
        }
        return Map.of("kafka.bootstrap.servers", plainBootstrap(), "kafka.security.protocol", "PLAINTEXT");
    }

    /** The plain-text listener of this test's broker, for the test's own clients. */
    private static String plainBootstrap() {
        return System.getProperty(BROKER);
    }

    @Test
    void aReplyWrittenToAPartitionAddedWhileTheGatewayRunsReachesItsRequest() throws Exception {
        Gateway.awaitReady();
        String session = sessionOnANewPartition();
        CompletableFuture<ValidatableResponse> answer = CompletableFuture.supplyAsync(() ->
                as("u1").body("{\"text\":\"hi\"}").accept(ContentType.JSON)
                        .post("/api/sessions/{id}/messages", session).then());
        InboundMessage message = inboundOf(session);

        // The partitions are added while the request waits, and the reply is written to one of them at once: most
        // likely before the gateway's next look at the topic (every 3 s here), so the feed must read the partition
        // from its beginning, not its end, to find it.
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, plainBootstrap()))) {
            admin.createPartitions(Map.of(Topics.OUTBOUND, NewPartitions.increaseTo(GROWN))).all().get();
        }
        long replied = System.nanoTime();
        try (EventPublisher sessionService = new EventPublisher(KafkaConnection.to(plainBootstrap()), "added-partitions-test")) {
            RecordMetadata written = sessionService.publishAt(Topics.OUTBOUND, Reply.of(EventMeta.next(session, message.trace()),
                    message.eventId(), 1, message.channel(), message.route(), "echo: hi")).join();
            sessionService.publish(Topics.OUTBOUND, TurnEnded.of(EventMeta.next(session, message.trace()),
                    message.eventId(), 2, message.channel(), message.route(), 1)).join();
            assertTrue(written.partition() >= KafkaBroker.PARTITIONS, "the reply went to partition " + written.partition());
        }

        answer.get(20, TimeUnit.SECONDS)
                .statusCode(200)
                .body("events.type", contains("reply", "turn.ended"))
                .body("events[0].text", equalTo("echo: hi"));
        // Within the refresh period and a poll, well before the turn timeout (15 s here).
        Duration took = Duration.ofNanos(System.nanoTime() - replied);
        assertTrue(took.compareTo(Duration.ofSeconds(8)) < 0, "the reply took " + took);
    }

    /** A fresh session id whose key the producers' default partitioner puts in one of the added partitions. */
    private static String sessionOnANewPartition() {
        while (true) {
            String session = Gateway.newSessionId();
            int partition = Utils.toPositive(Utils.murmur2(session.getBytes(StandardCharsets.UTF_8))) % GROWN;
            if (partition >= KafkaBroker.PARTITIONS) {
                return session;
            }
        }
    }

    /** The message the gateway publishes for {@code session}, read as session-service would. */
    private static InboundMessage inboundOf(String session) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, plainBootstrap(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.INBOUND, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (session.equals(record.key()) && EventCodec.decode(record.value()) instanceof InboundMessage m) {
                        return m;
                    }
                }
            }
        }
        throw new AssertionError("the gateway published no message for session " + session);
    }
}
