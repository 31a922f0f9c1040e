package dev.capsule.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The published event contract, read from the classpath as consumers read it from the jar: the JSON Schema of each
 * event type ({@code contract/events/<type>.schema.json}) and the AsyncAPI document ({@code contract/asyncapi.yaml})
 * that says which types go on which topic. Tests here and in the services hold the events they make to it
 * (this module's test jar).
 */
public final class ContractSchemas {

    /** Where the contract lives inside the capsule-events jar. */
    public static final String ROOT = "contract/";
    public static final String ASYNCAPI = ROOT + "asyncapi.yaml";
    public static final String DEAD_LETTER_SCHEMA = ROOT + "dead-letter.schema.json";

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();
    private final JsonNode asyncApi;
    private final Map<String, Set<String>> typesByTopic;

    private ContractSchemas() {
        asyncApi = read(ASYNCAPI, YAML);
        typesByTopic = typesByTopic(asyncApi);
    }

    /** The contract as the classpath holds it. */
    public static ContractSchemas load() {
        return new ContractSchemas();
    }

    /** The AsyncAPI document, parsed. */
    public JsonNode asyncApi() {
        return asyncApi;
    }

    /** For each topic of the AsyncAPI document, the names of the messages its channel carries. */
    public Map<String, Set<String>> typesByTopic() {
        return typesByTopic;
    }

    /** The classpath location of the schema of events of {@code type}. */
    public static String schemaPathOf(String type) {
        return ROOT + "events/" + type + ".schema.json";
    }

    /** Whether the classpath holds a schema for {@code type}. */
    public static boolean hasSchema(String type) {
        return ContractSchemas.class.getClassLoader().getResource(schemaPathOf(type)) != null;
    }

    /**
     * What is wrong with {@code event} against the schema of the type it names; empty when it conforms.
     * An object without a type, or of a type without a schema, is one problem.
     */
    public List<String> problems(JsonNode event) {
        JsonNode type = event.get("type");
        if (type == null || !type.isTextual()) {
            return List.of("no type field");
        }
        if (!hasSchema(type.textValue())) {
            return List.of("no schema for type '" + type.textValue() + "'");
        }
        return problemsAgainst(schemaPathOf(type.textValue()), event);
    }

    /**
     * What is wrong with {@code value}, a record's value read from {@code topic}: it must be JSON, conform to the
     * schema of its type, and be of a type the AsyncAPI document puts on that topic. A dead letter conforms to the
     * dead-letter schema instead (it is a redacted copy, not an event).
     */
    public List<String> problems(String topic, byte[] value) {
        JsonNode tree = jsonOf(value);
        if (tree == null) {
            return List.of("not a JSON object");
        }
        if (Topics.DEAD_LETTER.equals(topic)) {
            return problemsAgainst(DEAD_LETTER_SCHEMA, tree);
        }
        List<String> found = new ArrayList<>(problems(tree));
        String type = tree.path("type").asText();
        Set<String> allowed = typesByTopic.get(topic);
        if (allowed == null) {
            found.add("topic " + topic + " is not in " + ASYNCAPI);
        } else if (!allowed.contains(type)) {
            found.add("type '" + type + "' is not among the messages of " + topic + " in " + ASYNCAPI + ": " + allowed);
        }
        return found;
    }

    /** What is wrong with {@code instance} against the schema at classpath {@code path}. */
    public List<String> problemsAgainst(String path, JsonNode instance) {
        Schema schema = schemas.computeIfAbsent(path, p -> REGISTRY.getSchema(SchemaLocation.of("classpath:" + p)));
        // Formats are only annotations in draft 2020-12 unless asked for; the contract's date-times must be dates.
        List<Error> errors = schema.validate(instance, context -> context.executionConfig(c -> c.formatAssertionsEnabled(true)));
        return errors.stream().map(e -> e.getInstanceLocation() + ": " + e.getMessage()).toList();
    }

    /** {@code value} parsed, or null when it is not a JSON object. */
    public static JsonNode jsonOf(byte[] value) {
        try {
            JsonNode tree = EventCodec.mapper().readTree(value);
            return tree != null && tree.isObject() ? tree : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The JSON file at classpath {@code path}, parsed. */
    public static JsonNode json(String path) {
        return read(path, EventCodec.mapper());
    }

    private static Map<String, Set<String>> typesByTopic(JsonNode asyncApi) {
        Map<String, Set<String>> byTopic = new LinkedHashMap<>();
        asyncApi.path("channels").properties().forEach(channel -> {
            Set<String> types = new LinkedHashSet<>();
            channel.getValue().path("messages").properties().forEach(m -> types.add(m.getKey()));
            byTopic.put(channel.getValue().path("address").asText(), types);
        });
        return byTopic;
    }

    private static JsonNode read(String path, ObjectMapper mapper) {
        try (InputStream in = ContractSchemas.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is not on the classpath");
            }
            return mapper.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
