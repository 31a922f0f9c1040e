package dev.capsule.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomGenerator;
import net.jqwik.api.Tuple;
import net.jqwik.api.sessions.JqwikSession;

/**
 * What the fuzzers of the services' inputs share: jqwik's generators driven by one seed, so that a run that
 * finds something is replayed with {@code -Dcapsule.fuzz.seed=<seed>}; the bodies they send (a valid one
 * changed in one place, any JSON, any bytes); and a tally of the answers. A fuzzer sends its inputs to the
 * running service under test and counts what came back; any answer of 500 or above, or a crash, fails it.
 */
public final class Fuzz {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String what;
    private final long seed;
    private final Random random;
    private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicLong sent = new AtomicLong();

    private Fuzz(String what, long seed) {
        this.what = what;
        this.seed = seed;
        this.random = new Random(seed);
    }

    /** A fuzzer of {@code what}, seeded by {@code -Dcapsule.fuzz.seed} when set, else afresh; it prints its seed at once. */
    public static Fuzz of(String what) {
        long seed = Long.getLong("capsule.fuzz.seed", new Random().nextLong());
        System.out.printf("fuzz %s: seed %d (replay with -Dcapsule.fuzz.seed=%d)%n", what, seed, seed);
        return new Fuzz(what, seed);
    }

    /** {@code count} values of {@code arbitrary}, drawn from this fuzzer's seed: the same seed, the same inputs. */
    public synchronized <T> List<T> draw(Arbitrary<T> arbitrary, int count) {
        List<T> values = new ArrayList<>(count);
        // Outside a jqwik property (here, inside a Quarkus test) its generators need a session of their own.
        JqwikSession.run(() -> {
            RandomGenerator<T> generator = arbitrary.generator(1000);
            for (int i = 0; i < count; i++) {
                values.add(generator.next(random).value());
            }
        });
        return values;
    }

    /**
     * Sends every input with {@code send}, from {@code senders} virtual threads at once, counting each as tried;
     * returns when all are answered (at most 10 minutes).
     */
    public <T> void sendAll(List<T> inputs, int senders, Consumer<T> send) throws Exception {
        AtomicInteger next = new AtomicInteger();
        List<CompletableFuture<Void>> done = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < senders; i++) {
                done.add(CompletableFuture.runAsync(() -> {
                    for (int n = next.getAndIncrement(); n < inputs.size(); n = next.getAndIncrement()) {
                        tried();
                        send.accept(inputs.get(n));
                    }
                }, threads));
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        }
    }

    /** Counts one input sent. */
    public void tried() {
        sent.incrementAndGet();
    }

    /** Counts one answer to {@code input}; one of 500 or above is a failure, kept (the first 20) for the report. */
    public void answered(int status, Object input) {
        statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
        if (status >= 500) {
            failed(status + " for " + input);
        }
    }

    /** Counts a failure that is not a status: a crash, a socket closed when it should not be. */
    public void failed(String why) {
        if (failures.size() < 20) {
            failures.add(why.length() > 500 ? why.substring(0, 500) + "…" : why);
        }
    }

    /** How many inputs were sent. */
    public long sent() {
        return sent.get();
    }

    /** The failures found, empty when there were none; prints the tally with the seed either way. */
    public List<String> report() {
        Map<Integer, Integer> tally = new TreeMap<>();
        statuses.forEach((status, count) -> tally.put(status, count.get()));
        System.out.printf("fuzz %s: %d inputs, seed %d, answers by status %s, %d failures%n", what, sent.get(), seed, tally,
                failures.size());
        failures.forEach(f -> System.out.println("  " + f));
        return List.copyOf(failures);
    }

    /** Bodies of a JSON API: mostly one of {@code validSamples} changed in one place, else any JSON or any bytes. */
    public static Arbitrary<byte[]> bodies(List<String> validSamples) {
        Arbitrary<byte[]> mutated = Combinators.combine(Arbitraries.of(validSamples), Arbitraries.integers().between(0, 6),
                        Arbitraries.integers().greaterOrEqual(0), jsonValues(2))
                .as((sample, operation, where, value) -> mutate(sample, operation, where, value).getBytes(StandardCharsets.UTF_8));
        return Arbitraries.frequencyOf(
                Tuple.of(6, mutated),
                Tuple.of(1, Arbitraries.of(validSamples).map(s -> s.getBytes(StandardCharsets.UTF_8))),
                Tuple.of(2, jsonValues(3).map(v -> v.toString().getBytes(StandardCharsets.UTF_8))),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(300)));
    }

    /** {@code sample} (a JSON object) changed once: a field removed, set to another value, renamed, or the text cut short. */
    static String mutate(String sample, int operation, int where, JsonNode value) {
        ObjectNode root;
        try {
            root = (ObjectNode) MAPPER.readTree(sample);
        } catch (IOException | ClassCastException e) {
            throw new IllegalArgumentException("a fuzz sample must be a JSON object: " + sample, e);
        }
        List<ObjectNode> objects = new ArrayList<>();
        collectObjects(root, objects);
        ObjectNode target = objects.get(where % objects.size());
        List<String> fields = new ArrayList<>();
        target.fieldNames().forEachRemaining(fields::add);
        String field = fields.isEmpty() ? "text" : fields.get(where % fields.size());
        switch (operation) {
            case 0 -> target.remove(field);
            case 1, 2 -> target.set(field, value);
            case 3 -> target.set(field, JSON.textNode(value.toString()));
            case 4 -> {
                return sample.substring(0, where % sample.length());
            }
            case 5 -> target.set(field, JSON.textNode("x".repeat(where % 20_000)));
            default -> target.set(field + "-extra", value);
        }
        return root.toString();
    }

    private static void collectObjects(JsonNode node, List<ObjectNode> into) {
        if (node instanceof ObjectNode object) {
            into.add(object);
        }
        node.elements().forEachRemaining(child -> collectObjects(child, into));
    }

    /** Any JSON value nested up to {@code depth}: the odd numbers, strings and shapes a field may be set to. */
    public static Arbitrary<JsonNode> jsonValues(int depth) {
        Arbitrary<JsonNode> leaves = Arbitraries.oneOf(
                Arbitraries.just(JSON.nullNode()),
                Arbitraries.of(true, false).map(JSON::booleanNode),
                Arbitraries.longs().map(JSON::numberNode),
                Arbitraries.of(-1.5, 1e308, -0.0, 3.0).map(JSON::numberNode),
                Arbitraries.strings().ofMaxLength(40).map(JSON::textNode),
                Arbitraries.of("", " ", "\u0000", "<script>", "../../etc", "%00", "1.8", "-1", "null", "2026-13-45T99:99:99Z")
                        .map(JSON::textNode));
        if (depth == 0) {
            return leaves;
        }
        Arbitrary<JsonNode> arrays = jsonValues(depth - 1).list().ofMaxSize(3).map(items -> {
            ArrayNode array = JSON.arrayNode();
            items.forEach(array::add);
            return array;
        });
        Arbitrary<JsonNode> objects = Combinators.combine(Arbitraries.of("type", "text", "value", "label", "sessionId", "x"),
                jsonValues(depth - 1)).as((k, v) -> JSON.objectNode().set(k, v));
        return Arbitraries.frequencyOf(Tuple.of(6, leaves), Tuple.of(1, arrays), Tuple.of(1, objects));
    }

    /** Strings that should be refused as ids or path segments, beside {@code valid} ones made by {@code fresh}. */
    public static Arbitrary<String> ids(Function<Integer, String> fresh) {
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.integers().between(0, Integer.MAX_VALUE).map(fresh::apply)),
                Tuple.of(2, Arbitraries.strings().ofMinLength(1).ofMaxLength(140)));
    }
}
