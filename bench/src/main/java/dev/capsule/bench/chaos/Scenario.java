package dev.capsule.bench.chaos;

import java.time.Duration;
import java.util.List;

/**
 * One fault and its repair, done while the load runs. {@link #fault} returns once the repair is
 * done (the process restarted and ready, the outage over); the time to recover counts from its start.
 */
record Scenario(String name, String what, Fault setUp, Fault fault, Fault tearDown, boolean telegram, int gateways) {

    private static final List<String> SERVICES = List.of("gateway-service", "session-service", "channel-adapters",
            "persistence-service");
    private static final Fault NOTHING = (f, p, s) -> { };
    /** Telegram conversations need the fake Telegram API their answers go to. */
    private static final Fault FAKE_PROVIDERS = (f, p, s) -> f.run("start", "fake-providers");

    Scenario(String name, String what, Fault fault) {
        this(name, what, NOTHING, fault, NOTHING, false, 1);
    }

    Scenario(String name, String what, Fault setUp, Fault fault, Fault tearDown) {
        this(name, what, setUp, fault, tearDown, false, 1);
    }

    /** A scenario whose load holds Telegram conversations too, each update posted {@link TelegramChats#POSTS_PER_UPDATE} times. */
    static Scenario withTelegram(String name, String what, Fault fault) {
        return new Scenario(name, what, FAKE_PROVIDERS, fault, NOTHING, true, 1);
    }

    @FunctionalInterface
    interface Fault {
        /** {@code liveSession}: a conversation of the load, for faults aimed at one. */
        void run(Faults faults, Probes probes, String liveSession) throws Exception;
    }

    static List<Scenario> all() {
        return List.of(
                new Scenario("kill-session-service", "kill -9 session-service mid-turn, then start it again",
                        (f, p, s) -> f.crashAndRestart("session-service")),
                new Scenario("kill-gateway", "kill -9 the gateway holding the load's requests, then start it again",
                        (f, p, s) -> f.crashAndRestart("gateway-service")),
                new Scenario("kill-persistence", "kill -9 persistence-service mid-fold, then start it again",
                        (f, p, s) -> f.crashAndRestart("persistence-service")),
                withTelegram("kill-channel-adapters", "kill -9 channel-adapters mid-delivery to Telegram, then start it again",
                        (f, p, s) -> f.crashAndRestart("channel-adapters")),
                withTelegram("webhook-retried", "every Telegram update posted " + TelegramChats.POSTS_PER_UPDATE
                        + " times, as Telegram retries: one turn and one answer each", NOTHING),
                new Scenario("kafka-restart-20s", "stop the Kafka broker, keep it down 20 s, start it again",
                        (f, p, s) -> f.outage("kafka", Duration.ofSeconds(20))),
                new Scenario("kafka-restart-90s", "stop the Kafka broker, keep it down 90 s, start it again",
                        (f, p, s) -> f.outage("kafka", Duration.ofSeconds(90))),
                new Scenario("redis-restart-empty", "kill -9 Redis and start it with no data, as one without persistence",
                        (f, p, s) -> {
                            f.run("kill", "redis");
                            f.run("forget-redis");
                            f.run("start", "redis");
                        }),
                new Scenario("postgres-stop-90s", "stop PostgreSQL, keep it down 90 s, start it again",
                        (f, p, s) -> f.outage("postgres", Duration.ofSeconds(90))),
                new Scenario("pause-session-replica", "of two session-service replicas, SIGSTOP one past the group's session"
                        + " timeout (15 s), then SIGCONT: its late work must change nothing",
                        (f, p, s) -> f.run("start-replica", "session-service", "2"),
                        (f, p, s) -> {
                            f.run("pause", "session-service");
                            ChaosLoad.pause(Duration.ofSeconds(15));
                            f.run("resume", "session-service");
                        },
                        (f, p, s) -> f.run("stop", "session-service-2")),
                new Scenario("flood-one-session", "one session asks for 500 streams as fast as 50 connections can, while"
                        + " the others chat: their p99 must stay within 2x of its value before the flood",
                        (f, p, s) -> f.flood(p)),
                new Scenario("poison-records", "unreadable records on every topic a service reads, in a live session's partition"
                        + " and unkeyed", (f, p, s) -> p.poisonEveryTopic(s)),
                new Scenario("oversized", "a reply and a session state of 2 MiB, past what Kafka takes in one record: each turn ends"
                        + " as turn.failed after its tries, and the session goes on", (f, p, s) -> p.oversized()),
                new Scenario("malformed-input", "bad bodies, ids and tokens on the API, bad frames and a 2 MiB frame on the chat socket",
                        (f, p, s) -> p.malformedInput(s)),
                new Scenario("unsigned-webhooks", "webhooks without a signature, and with a wrong one, on each demo channel",
                        (f, p, s) -> p.unsignedWebhooks()),
                // Last: it leaves every service freshly started, its JIT cold, which the next scenario would measure
                // beside its own fault (the flood's latency comparison, for one).
                new Scenario("rolling-restart", "a second replica of every service, then each service restarted one replica"
                        + " at a time (a clean stop, a start, ready, the next), under web and Telegram load",
                        (f, p, s) -> {
                            FAKE_PROVIDERS.run(f, p, s);
                            for (String service : SERVICES) {
                                f.run("start-replica", service, "2");
                            }
                        },
                        (f, p, s) -> {
                            for (String service : SERVICES) {
                                f.run("stop", service);
                                f.run("start", service);
                                f.run("stop", service + "-2");
                                f.run("start-replica", service, "2");
                            }
                        },
                        (f, p, s) -> {
                            for (String service : SERVICES) {
                                f.run("stop", service + "-2");
                            }
                        }, true, 2));
    }
}
