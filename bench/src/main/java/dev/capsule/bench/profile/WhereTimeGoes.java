package dev.capsule.bench.profile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where one service's CPU went, by the library doing the work: async-profiler's collapsed
 * stacks summed up so that a reader sees at once whether Kafka's client, JSON, Redis,
 * PostgreSQL, authentication or Capsule's own code dominates. Each sample is counted once, for
 * the innermost frame that names a known library; a sample in none of them is Capsule's own
 * when Capsule's code is on its stack, and otherwise the runtime's: the JIT compiler, the
 * garbage collector, the event loop, or the kernel (mostly threads handing work to each other).
 *
 * @param service   the service profiled
 * @param samples   how many samples its profile holds
 * @param shares    percent of the samples per part, largest first
 * @param hottest   the methods with the most samples of their own, percent each
 * @param flameGraph the HTML flame graph of the same samples
 */
public record WhereTimeGoes(String service, long samples, Map<String, Double> shares, Map<String, Double> hottest,
                            String flameGraph) {

    /** Frame patterns of the parts worth telling apart, most specific first. */
    private static final List<Map.Entry<String, String>> PARTS = List.of(
            Map.entry("kafka producer", "org/apache/kafka/clients/producer/"),
            Map.entry("kafka consumer", "org/apache/kafka/clients/consumer/"),
            Map.entry("kafka broker: produce", "KafkaApis.handleProduceRequest"),
            Map.entry("kafka broker: fetch", "KafkaApis.handleFetchRequest"),
            Map.entry("kafka broker: other requests", "kafka/server/KafkaApis.handle"),
            Map.entry("kafka network", "org/apache/kafka/common/network/"),
            Map.entry("reactive messaging", "io/smallrye/reactive/messaging/"),
            Map.entry("redis client", "io/vertx/redis/"),
            Map.entry("postgresql client", "io/vertx/pgclient/"),
            Map.entry("jwt verification", "io/smallrye/jwt/"),
            Map.entry("websocket", "io/quarkus/websockets/"),
            Map.entry("http / rest", "org/jboss/resteasy/reactive/"),
            Map.entry("json (jackson)", "com/fasterxml/jackson/"),
            Map.entry("random ids (SecureRandom)", "java/security/SecureRandom"),
            Map.entry("opentelemetry", "io/opentelemetry/"));

    private static final String CAPSULE = "dev/capsule/";

    public static WhereTimeGoes of(String service, Path collapsed, Path flameGraph) {
        Map<String, Long> parts = new LinkedHashMap<>();
        Map<String, Long> self = new LinkedHashMap<>();
        long total = 0;
        try (Stream<String> lines = Files.lines(collapsed)) {
            for (String line : (Iterable<String>) lines::iterator) {
                int space = line.lastIndexOf(' ');
                if (space < 0) {
                    continue;
                }
                long n = Long.parseLong(line.substring(space + 1).strip());
                String[] frames = line.substring(0, space).split(";");
                total += n;
                parts.merge(partOf(frames), n, Long::sum);
                self.merge(frames[frames.length - 1], n, Long::sum);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the profile " + collapsed, e);
        }
        return new WhereTimeGoes(service, total, percentOf(parts, total, parts.size()), percentOf(self, total, 8),
                flameGraph.getFileName().toString());
    }

    private static String partOf(String[] frames) {
        for (int i = frames.length - 1; i >= 0; i--) {
            for (Map.Entry<String, String> part : PARTS) {
                if (frames[i].contains(part.getValue())) {
                    return part.getKey();
                }
            }
        }
        String all = String.join(";", frames);
        if (all.contains(CAPSULE)) {
            return "capsule's own code";
        }
        if (all.contains("CompileBroker") || all.contains("C2Compiler") || all.contains("Compilation::")) {
            return "jit compiler";
        }
        if (all.contains("GC") || all.contains("Collect") || all.contains("Heap::")) {
            return "garbage collector";
        }
        if (all.contains("io/netty/") || all.contains("io/vertx/core/")) {
            return "event loop (netty, vert.x)";
        }
        if (frames[frames.length - 1].endsWith("_[k]")) {
            return "kernel (scheduling, syscalls)";
        }
        return "jvm, other";
    }

    private static Map<String, Double> percentOf(Map<String, Long> counts, long total, int limit) {
        Map<String, Double> shares = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(limit)
                .forEach(e -> shares.put(e.getKey(), total == 0 ? 0 : Math.round(1000.0 * e.getValue() / total) / 10.0));
        return shares;
    }
}
