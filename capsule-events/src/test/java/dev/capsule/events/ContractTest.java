package dev.capsule.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The published contract (JSON Schemas and the AsyncAPI document under {@code src/main/resources/contract}) and the
 * Java records say the same: every event the codec writes conforms to its type's schema, every type has a schema and
 * a place on the topics, and a record that breaks the contract is caught.
 */
class ContractTest {

    static final ContractSchemas CONTRACT = ContractSchemas.load();

    static Stream<CapsuleEvent> oneOfEachType() {
        return SampleEvents.oneOfEachType();
    }

    @ParameterizedTest
    @MethodSource("oneOfEachType")
    void everyEventTheCodecWritesConformsToItsSchemaOnEachTopicItTravels(CapsuleEvent event) {
        byte[] json = EventCodec.encode(event);
        List<String> topics = topicsOf(event.type());
        assertFalse(topics.isEmpty(), event.type() + " is on no channel of " + ContractSchemas.ASYNCAPI);
        for (String topic : topics) {
            assertEquals(List.of(), CONTRACT.problems(topic, json), event.type() + " on " + topic);
        }
    }

    @Test
    void everyEventTypeHasASchemaAndAMessageOfTheAsyncApiDocumentThatPointsAtIt() {
        JsonNode messages = CONTRACT.asyncApi().path("components").path("messages");
        for (String type : declaredTypeNames()) {
            assertTrue(ContractSchemas.hasSchema(type), "no schema " + ContractSchemas.schemaPathOf(type));
            JsonNode message = messages.path(type);
            assertEquals(type, message.path("name").asText(), "components.messages." + type + " names its type");
            assertEquals("events/" + type + ".schema.json", message.path("payload").path("schema").path("$ref").asText(),
                    "components.messages." + type + " points at its schema");
            assertEquals(type, ContractSchemas.json(ContractSchemas.schemaPathOf(type)).path("title").asText(),
                    "the schema of " + type + " is titled by its type");
        }
    }

    @Test
    void theSchemasFolderHoldsASchemaForEveryTypeAndNoOtherSchemaThanTheSharedDefinitions() throws IOException, URISyntaxException {
        Path folder = Path.of(Objects.requireNonNull(getClass().getClassLoader().getResource(ContractSchemas.ROOT + "events")).toURI());
        Set<String> files;
        try (Stream<Path> listed = Files.list(folder)) {
            files = listed.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        Set<String> expected = declaredTypeNames().stream().map(t -> t + ".schema.json").collect(Collectors.toCollection(TreeSet::new));
        expected.add("envelope.schema.json");
        assertEquals(expected, files);
    }

    @Test
    void theChannelsAreTheTopicsAndOutboundEventsGoOnBothOutboundTopicsAndEveryOtherTypeOnExactlyOne() {
        assertEquals(Topics.ALL, List.copyOf(CONTRACT.typesByTopic().keySet()));
        Set<String> outbound = SampleEvents.declaredTypes().stream().filter(OutboundEvent.class::isAssignableFrom)
                .map(ContractTest::typeName).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(outbound, new TreeSet<>(CONTRACT.typesByTopic().get(Topics.OUTBOUND)));
        assertEquals(outbound, new TreeSet<>(CONTRACT.typesByTopic().get(Topics.OUTBOUND_CHANNELS)));
        for (String type : declaredTypeNames()) {
            int expected = outbound.contains(type) ? 2 : 1;
            assertEquals(expected, topicsOf(type).size(), type + " is on " + topicsOf(type));
        }
        assertEquals(Set.of("dead-letter"), CONTRACT.typesByTopic().get(Topics.DEAD_LETTER));
    }

    @Test
    void theAsyncApiDocumentIsOfTheSchemaVersionTheCodeWrites() {
        // A new minor version is a change to the contract: its document says so, or this fails.
        assertEquals(SchemaVersion.CURRENT, CONTRACT.asyncApi().path("info").path("version").asText());
    }

    @Test
    void everyMessageOfAChannelIsTheMessageOfTheTypeItIsListedAs() {
        // The channels' keys are what typesByTopic reads; a key must not point at another type's message.
        CONTRACT.asyncApi().path("channels").properties().forEach(channel -> channel.getValue().path("messages").properties()
                .forEach(m -> assertEquals("#/components/messages/" + m.getKey(), m.getValue().path("$ref").asText(),
                        "channel " + channel.getKey() + " lists " + m.getKey())));
    }

    @Test
    void everyMessageOfTheAsyncApiDocumentPointsAtASchemaThatExists() {
        CONTRACT.asyncApi().path("components").path("messages").properties().forEach(m -> {
            String ref = m.getValue().path("payload").path("schema").path("$ref").asText();
            assertTrue(getClass().getClassLoader().getResource(ContractSchemas.ROOT + ref) != null,
                    m.getKey() + " points at " + ref + ", which is not in " + ContractSchemas.ROOT);
        });
    }

    @Test
    void aRecordMissingARequiredFieldIsRefused() {
        assertRefused(reply(r -> r.remove("text")), "text");
        assertRefused(reply(r -> r.remove("seq")), "seq");
        assertRefused(reply(r -> r.remove("eventId")), "eventId");
        assertRefused(reply(r -> ((ObjectNode) r.get("trace")).remove("traceparent")), "traceparent");
    }

    @Test
    void aRecordWithAFieldOfTheWrongTypeOrOutOfRangeIsRefused() {
        assertRefused(reply(r -> r.put("seq", "1")), "seq");
        assertRefused(reply(r -> r.put("seq", 0)), "seq");
        assertRefused(reply(r -> r.putNull("text")), "text");
        assertRefused(reply(r -> r.put("timestamp", "yesterday")), "timestamp");
        assertRefused(reply(r -> r.put("schemaVersion", "2.0")), "schemaVersion");
        assertRefused(reply(r -> r.put("sessionId", "a session")), "sessionId");
        assertRefused(reply(r -> r.put("channel", " ")), "channel");
        assertRefused(encoded(SessionClosed.of(SampleEvents.meta(), "bored")), "reason");
    }

    @Test
    void aDeletedDocumentMayHaveNoDataButALiveOneMust() {
        DocumentChanged deleted = DocumentChanged.of(SampleEvents.meta(), "u1", "notes", "d-1", 3, true, null,
                java.time.Instant.parse("2026-01-02T03:04:05Z"), java.time.Instant.parse("2026-01-02T03:06:05Z"));
        assertEquals(List.of(), CONTRACT.problems(encoded(deleted)));
        ObjectNode live = encoded(deleted).put("deleted", false);
        assertRefused(live, "data");
    }

    @Test
    void anEventOfANewerMinorVersionWithFieldsThisContractDoesNotNameConforms() {
        ObjectNode newer = reply(r -> r.put("schemaVersion", "1.42").put("mood", "cheerful"));
        assertEquals(List.of(), CONTRACT.problems(newer));
    }

    @Test
    void anEventOfAnOlderMinorVersionWithoutTheFieldsAddedSinceConforms() {
        ObjectNode message = encoded(InboundMessage.of(SampleEvents.meta(), SampleEvents.USER, "web", "hi", null));
        message.put("schemaVersion", "1.4").remove("action");
        assertEquals(List.of(), CONTRACT.problems(message));
        ObjectNode state = encoded((CapsuleEvent) SampleEvents.oneOfEachType().filter(StateChanged.class::isInstance).findFirst().orElseThrow());
        state.put("schemaVersion", "1.0").remove("snapshot");
        assertEquals(List.of(), CONTRACT.problems(state));
    }

    @Test
    void anEventOnATopicItDoesNotGoOnIsRefused() {
        byte[] reply = EventCodec.encode(SampleEvents.oneOfEachType().filter(Reply.class::isInstance).findFirst().orElseThrow());
        List<String> problems = CONTRACT.problems(Topics.CHANGES, reply);
        assertTrue(problems.size() == 1 && problems.get(0).contains("not among the messages of capsule.changes"), problems.toString());
        assertFalse(CONTRACT.problems(Topics.INBOUND, "not json".getBytes(java.nio.charset.StandardCharsets.UTF_8)).isEmpty());
    }

    @Test
    void aDeadLetterIsARedactedObjectNotAnEvent() {
        byte[] letter = "{\"type\":\"reply\",\"eventId\":\"e1\",\"text\":\"[redacted: 5 characters]\",\"block\":\"[redacted]\"}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(List.of(), CONTRACT.problems(Topics.DEAD_LETTER, letter));
        byte[] notAnObject = "{\"redacted\":\"the record is not a JSON object\",\"bytes\":7}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(List.of(), CONTRACT.problems(Topics.DEAD_LETTER, notAnObject));
        assertFalse(CONTRACT.problems(Topics.DEAD_LETTER, "[1]".getBytes(java.nio.charset.StandardCharsets.UTF_8)).isEmpty());
    }

    private static void assertRefused(ObjectNode event, String field) {
        List<String> problems = CONTRACT.problems(event);
        assertFalse(problems.isEmpty(), "accepted " + event);
        assertTrue(problems.stream().anyMatch(p -> p.contains(field)), "no problem names " + field + ": " + problems);
    }

    private static ObjectNode reply(Consumer<ObjectNode> change) {
        ObjectNode reply = encoded(Reply.of(SampleEvents.meta(), "in-1", 1, "web", null, "hello"));
        change.accept(reply);
        return reply;
    }

    private static ObjectNode encoded(CapsuleEvent event) {
        return EventCodec.mapper().valueToTree(event);
    }

    private static List<String> topicsOf(String type) {
        List<String> topics = new ArrayList<>();
        for (Map.Entry<String, Set<String>> channel : CONTRACT.typesByTopic().entrySet()) {
            if (channel.getValue().contains(type)) {
                topics.add(channel.getKey());
            }
        }
        return topics;
    }

    private static Set<String> declaredTypeNames() {
        return SampleEvents.declaredTypes().stream().map(ContractTest::typeName).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String typeName(Class<?> type) {
        return type.getAnnotation(JsonTypeName.class).value();
    }
}
