package dev.capsule.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzes event decoding, which every consumer runs on whatever a topic holds: for any bytes, {@link EventCodec#decode}
 * answers an event or throws {@link EventDecodingException}, the one failure the consumers set aside (a dead letter, a
 * log line) and go on from. Any other exception would be a poison record that stops a partition. The inputs: random
 * bytes, random JSON, and each event type of the contract mutated (a field removed, set to any JSON value, nested or
 * not, the type or the schema version changed, the text cut short). jqwik prints the count and the seed; a failure is
 * replayed with {@code @Property(seed = "…")}.
 */
class EventDecodingFuzzTest {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final List<String> TYPES = List.of("inbound.message", "reply", "notify", "stream.chunk", "stream.end",
            "show", "turn.ended", "turn.failed", "session.opened", "session.closed", "state.changed", "document.changed",
            "proactive.message", "inbound.cancel", "inbound.close", "inbound.due", "no.such.type", "");

    @Property(tries = 40_000)
    void anyBytesDecodeToAnEventOrAnEventDecodingException(@ForAll("inputs") byte[] input) {
        try {
            EventCodec.decode(input);
        } catch (EventDecodingException expected) {
            // The one refusal the consumers handle.
        }
    }

    @Provide
    Arbitrary<byte[]> inputs() {
        Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
        Arbitrary<byte[]> json = jsonValues(3).map(v -> v.toString().getBytes(StandardCharsets.UTF_8));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, bytes),
                net.jqwik.api.Tuple.of(1, json),
                net.jqwik.api.Tuple.of(8, mutatedEvents()));
    }

    /** A real event of each type, encoded, then changed in one place. */
    private static Arbitrary<byte[]> mutatedEvents() {
        List<String> samples = EventCodecTest.oneOfEachType().map(EventCodec::encodeToString).toList();
        return Combinators.combine(Arbitraries.of(samples), Arbitraries.integers().between(0, 6),
                        Arbitraries.integers().greaterOrEqual(0), jsonValues(2), Arbitraries.of(TYPES))
                .as((sample, operation, where, value, type) -> mutate(sample, operation, where, value, type)
                        .getBytes(StandardCharsets.UTF_8));
    }

    private static String mutate(String sample, int operation, int where, JsonNode value, String type) {
        ObjectNode event = (ObjectNode) EventCodec.mapper().valueToTree(parse(sample));
        List<ObjectNode> objects = new ArrayList<>();
        collectObjects(event, objects);
        ObjectNode target = objects.get(where % objects.size());
        List<String> fields = new ArrayList<>();
        target.fieldNames().forEachRemaining(fields::add);
        String field = fields.isEmpty() ? "x" : fields.get(where % fields.size());
        return switch (operation) {
            case 0 -> {
                target.remove(field);
                yield event.toString();
            }
            case 1 -> {
                target.set(field, value);
                yield event.toString();
            }
            case 2 -> {
                event.put("type", type);
                yield event.toString();
            }
            case 3 -> {
                event.set("schemaVersion", value.isTextual() ? value : JSON.textNode(value.toString()));
                yield event.toString();
            }
            case 4 -> {
                target.set(field, JSON.textNode(value.toString()));
                yield event.toString();
            }
            case 5 -> sample.substring(0, where % sample.length());
            default -> {
                target.set("unexpected-" + field, value);
                yield event.toString();
            }
        };
    }

    private static JsonNode parse(String json) {
        try {
            return EventCodec.mapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void collectObjects(JsonNode node, List<ObjectNode> into) {
        if (node instanceof ObjectNode object) {
            into.add(object);
        }
        node.elements().forEachRemaining(child -> collectObjects(child, into));
    }

    /** Any JSON value, nested up to {@code depth}: the odd numbers, strings and shapes a field may be set to. */
    private static Arbitrary<JsonNode> jsonValues(int depth) {
        Arbitrary<JsonNode> leaves = Arbitraries.oneOf(
                Arbitraries.just(JSON.nullNode()),
                Arbitraries.of(true, false).map(JSON::booleanNode),
                Arbitraries.longs().map(JSON::numberNode),
                Arbitraries.of(-1.5, 1e308, -0.0, 3.0).map(JSON::numberNode),
                Arbitraries.strings().ofMaxLength(30).map(JSON::textNode),
                Arbitraries.of("", "2026-13-45T99:99:99Z", "1.8", "99.0", "\u0000", "00-00-00", "-1").map(JSON::textNode));
        if (depth == 0) {
            return leaves;
        }
        Arbitrary<JsonNode> arrays = jsonValues(depth - 1).list().ofMaxSize(3).map(items -> {
            ArrayNode array = JSON.arrayNode();
            items.forEach(array::add);
            return array;
        });
        Arbitrary<JsonNode> objects = Combinators.combine(Arbitraries.of("id", "type", "text", "user", "seq", "x"),
                jsonValues(depth - 1)).as((k, v) -> JSON.objectNode().set(k, v));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, leaves), net.jqwik.api.Tuple.of(1, arrays),
                net.jqwik.api.Tuple.of(1, objects));
    }
}
