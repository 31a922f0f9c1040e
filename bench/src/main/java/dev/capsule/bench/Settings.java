package dev.capsule.bench;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the stack under test is, read from the same environment variables as {@code ./capsule up}
 * (scripts/common.sh), so that a stack on other ports or another {@code CAPSULE_HOME} is benched as it runs.
 *
 * @param gatewayPort the gateway's HTTP port, for the API and the chat socket
 * @param kafka       bootstrap servers of the stack's broker, which the baselines share
 * @param redisPort   the stack's Redis, which baseline (b) shares
 * @param partitions  partitions of the baselines' topics, as many as the stack's own topics have
 * @param token       a dev JWT for the bench's user
 * @param home        CAPSULE_HOME: PID files under run/, results under bench/
 * @param clockTicks  the kernel's clock ticks per second, the unit of CPU times in /proc/PID/stat
 * @param servicePorts each service's HTTP port, whose readiness is checked between steps
 */
public record Settings(int gatewayPort, String kafka, int redisPort, int partitions, String token, Path home,
                       int clockTicks, Map<String, Integer> servicePorts, Double firstMessageMillis) {

    public static Settings fromEnvironment(Map<String, String> env) {
        String token = env.get("BENCH_TOKEN");
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("BENCH_TOKEN is not set: run the benchmark as ./capsule bench");
        }
        Path home = Path.of(env.getOrDefault("CAPSULE_HOME", ".capsule"));
        return new Settings(
                intOf(env, "CAPSULE_GATEWAY_PORT", 8080),
                "127.0.0.1:" + intOf(env, "CAPSULE_KAFKA_PORT", 9092),
                intOf(env, "CAPSULE_REDIS_PORT", 6379),
                intOf(env, "CAPSULE_PARTITIONS", 6),
                token.strip(),
                home,
                intOf(env, "CLK_TCK", 100),
                Map.of("gateway-service", intOf(env, "CAPSULE_GATEWAY_PORT", 8080),
                        "session-service", intOf(env, "CAPSULE_SESSION_PORT", 8081),
                        "channel-adapters", intOf(env, "CAPSULE_ADAPTERS_PORT", 8082),
                        "persistence-service", intOf(env, "CAPSULE_PERSISTENCE_PORT", 8083)),
                firstMessageMillis(env.get("CAPSULE_BENCH_FIRST_MESSAGE_MS")));
    }

    /**
     * How long a new session's first message took, timed by {@code ./capsule bench} before anything
     * else it sends (scripts/bench.sh): right after {@code ./capsule up}, the newcomer's first message.
     * Null when it was not timed (the bench was started otherwise) or was not answered.
     */
    private static Double firstMessageMillis(String value) {
        if (value == null || value.isBlank() || value.strip().equals("-")) {
            return null;
        }
        return Double.parseDouble(value.strip());
    }

    public String gatewayHttp() {
        return "http://127.0.0.1:" + gatewayPort;
    }

    public String gatewayWs() {
        return "ws://127.0.0.1:" + gatewayPort;
    }

    public Path runDir() {
        return home.resolve("run");
    }

    private static int intOf(Map<String, String> env, String name, int fallback) {
        String v = env.get(name);
        return v == null || v.isBlank() ? fallback : Integer.parseInt(v.strip());
    }
}
