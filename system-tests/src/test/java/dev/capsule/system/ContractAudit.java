package dev.capsule.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capsule.events.ContractSchemas;
import dev.capsule.events.Topics;
import dev.capsule.testing.TestStack;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads every record on Capsule's topics from the beginning and holds each one a service wrote to the published
 * contract (capsule-events' {@code contract/}): its value conforms to the JSON Schema of its type, its type is one the
 * AsyncAPI document puts on that topic, its key is its session, its {@code capsule-type} header is its type, and on the
 * outbound topics its {@code capsule-seq} and {@code capsule-in-reply-to} headers are its seq and inReplyTo.
 * A service's records are those with the {@code capsule-type} header, which every Capsule producer sets; records
 * without it were written by the tests themselves, some malformed on purpose, and are passed over.
 */
final class ContractAudit {

    private static final Duration READ_LIMIT = Duration.ofSeconds(30);

    private final Map<String, Integer> checkedByType = new TreeMap<>();
    private final List<String> violations = new ArrayList<>();
    private int passedOver;

    private ContractAudit() {
    }

    /** Checks every record now on the topics; fails naming each record that breaks the contract. */
    static ContractAudit ofEveryRecordOnTheTopics() {
        long start = System.nanoTime();
        ContractAudit audit = new ContractAudit();
        audit.read(ContractSchemas.load());
        System.out.printf("contract audit: %d ms, checked %s, passed over %d records written by tests%n",
                (System.nanoTime() - start) / 1_000_000, audit.checkedByType, audit.passedOver);
        // The first few say what is wrong; thousands of lines would only bury them.
        assertEquals(List.of(), audit.violations.subList(0, Math.min(10, audit.violations.size())),
                audit.violations.size() + " records break the contract; the first of them");
        return audit;
    }

    /** How many records of each type were checked. */
    Map<String, Integer> checkedByType() {
        return checkedByType;
    }

    /** Fails unless a record of each of {@code types} was checked: an audit of nothing proves nothing. */
    void assertChecked(Set<String> types) {
        Set<String> missing = new TreeSet<>(types);
        missing.removeAll(checkedByType.keySet());
        assertTrue(missing.isEmpty(), "no record of " + missing + " to check; checked " + checkedByType
                + ", passed over " + passedOver + " written by tests");
    }

    private void read(ContractSchemas contract) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                Map.of("bootstrap.servers", TestStack.kafka().bootstrapServers()),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = Topics.ALL.stream().flatMap(topic -> consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Instant deadline = Instant.now().plus(READ_LIMIT);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                assertTrue(Instant.now().isBefore(deadline), "the topics were not read to their ends within " + READ_LIMIT);
                consumer.poll(Duration.ofMillis(200)).forEach(r -> check(contract, r));
            }
        }
    }

    private static void expectHeader(ConsumerRecord<String, byte[]> record, String name, String expected, List<String> problems) {
        Header header = record.headers().lastHeader(name);
        String value = header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
        if (!expected.equals(value)) {
            problems.add("header " + name + " is " + (value == null ? "missing" : "'" + value + "'") + ", not '" + expected + "'");
        }
    }

    private void check(ContractSchemas contract, ConsumerRecord<String, byte[]> record) {
        Header typeHeader = record.headers().lastHeader(Topics.TYPE_HEADER);
        if (typeHeader == null) {
            passedOver++;
            return;
        }
        String where = record.topic() + "-" + record.partition() + "@" + record.offset();
        List<String> problems = new ArrayList<>(contract.problems(record.topic(), record.value()));
        String type = new String(typeHeader.value(), StandardCharsets.UTF_8);
        if (!Topics.DEAD_LETTER.equals(record.topic())) {
            JsonNode event = ContractSchemas.jsonOf(record.value());
            if (event != null && !type.equals(event.path("type").asText())) {
                problems.add("header " + Topics.TYPE_HEADER + " is '" + type + "' but the event is a " + event.path("type"));
            }
            if (event != null && !event.path("sessionId").asText().equals(record.key())) {
                problems.add("keyed '" + record.key() + "', not by its session " + event.path("sessionId"));
            }
            boolean outbound = Topics.OUTBOUND.equals(record.topic()) || Topics.OUTBOUND_CHANNELS.equals(record.topic());
            if (event != null && outbound) {
                // The headers the gateway routes and orders by without decoding: they must say what the event says.
                expectHeader(record, Topics.SEQ_HEADER, event.path("seq").asText(), problems);
                expectHeader(record, Topics.IN_REPLY_TO_HEADER, event.path("inReplyTo").asText(), problems);
            }
        } else {
            type = "dead-letter";
        }
        if (problems.isEmpty()) {
            checkedByType.merge(type, 1, Integer::sum);
        } else {
            violations.add(where + " " + type + ": " + problems + " in " + new String(record.value(), StandardCharsets.UTF_8));
        }
    }
}
