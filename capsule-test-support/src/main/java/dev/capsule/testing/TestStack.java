package dev.capsule.testing;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The real servers of one test JVM: Kafka, Redis and PostgreSQL, each started on first use
 * and stopped when the JVM exits. Every test class of a module shares them, so each is
 * started once per module, not once per class. Quarkus loads this class again for each test
 * profile, so where each server listens is kept in JVM-wide system properties, and a later
 * class loader attaches to the servers the first one started.
 */
public final class TestStack {

    private static KafkaBroker kafka;
    private static RedisServer redis;
    private static PostgresServer postgres;

    private TestStack() {
    }

    private static Path workDir(String name) {
        return Path.of(System.getProperty("capsule.test.dir", "target/test-servers"))
                .toAbsolutePath().resolve(name + "-" + ProcessHandle.current().pid());
    }

    /**
     * As root, PostgreSQL runs as the postgres user, who may not reach a project checked out
     * under a private folder; its files then live in a folder of its own under /tmp.
     */
    private static Path postgresWorkDir() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return workDir("postgres");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "capsule-test-postgres-" + ProcessHandle.current().pid());
    }

    public static synchronized KafkaBroker kafka() {
        if (kafka == null) {
            String running = System.getProperty("capsule.test.kafka");
            if (running != null) {
                kafka = KafkaBroker.attach(running, System.getProperty("capsule.test.kafka.secured"));
            } else {
                kafka = KafkaBroker.start();
                System.setProperty("capsule.test.kafka", kafka.bootstrapServers());
                System.setProperty("capsule.test.kafka.secured", kafka.securedBootstrapServers());
                Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "stop-test-kafka"));
            }
        }
        return kafka;
    }

    public static synchronized RedisServer redis() {
        if (redis == null) {
            String running = System.getProperty("capsule.test.redis");
            if (running != null) {
                redis = RedisServer.attach(Integer.parseInt(running));
            } else {
                redis = RedisServer.start(workDir("redis"));
                System.setProperty("capsule.test.redis", String.valueOf(redis.port()));
                Runtime.getRuntime().addShutdownHook(new Thread(redis::close, "stop-test-redis"));
            }
        }
        return redis;
    }

    public static synchronized PostgresServer postgres() {
        if (postgres == null) {
            String running = System.getProperty("capsule.test.postgres");
            if (running != null) {
                postgres = PostgresServer.attach(Integer.parseInt(running));
            } else {
                postgres = PostgresServer.start(postgresWorkDir());
                migrate(postgres);
                System.setProperty("capsule.test.postgres", String.valueOf(postgres.port()));
                Runtime.getRuntime().addShutdownHook(new Thread(postgres::close, "stop-test-postgres"));
            }
        }
        return postgres;
    }

    /**
     * Applies the read model's migrations when capsule-schema is on the test classpath, so that
     * a service reading PostgreSQL finds its tables without persistence-service running. The
     * same files and history table as persistence-service's own Flyway, which then has nothing to do.
     */
    private static void migrate(PostgresServer pg) {
        if (TestStack.class.getClassLoader().getResource("db/migration") == null) {
            return;
        }
        org.flywaydb.core.Flyway.configure()
                .dataSource(pg.jdbcUrl(), PostgresServer.USER, PostgresServer.PASSWORD)
                .locations("classpath:db/migration")
                .load().migrate();
    }

    /**
     * Quarkus configuration pointing a service at the Kafka broker's SASL listener, as a
     * deployment on a secured cluster would: every Kafka client of the service must take these
     * settings to connect at all.
     */
    public static Map<String, String> kafkaConfig() {
        Map<String, String> config = new HashMap<>();
        kafka().securedClientSettings().forEach((name, value) -> config.put("kafka." + name, value));
        return config;
    }

    /** The same settings as {@link #kafkaConfig()}, as the environment variables a packaged service reads. */
    public static Map<String, String> kafkaEnvironment() {
        Map<String, String> env = new HashMap<>();
        kafka().securedClientSettings().forEach((name, value) ->
                env.put("KAFKA_" + name.toUpperCase(Locale.ROOT).replace('.', '_'), value));
        return env;
    }

    /** Quarkus configuration pointing a service at the Redis server. */
    public static Map<String, String> redisConfig() {
        return Map.of("quarkus.redis.hosts", redis().url());
    }

    /** Quarkus configuration pointing a service's reactive and JDBC datasources at PostgreSQL. */
    public static Map<String, String> postgresConfig() {
        PostgresServer pg = postgres();
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.datasource.reactive.url", pg.reactiveUrl());
        config.put("quarkus.datasource.jdbc.url", pg.jdbcUrl());
        config.put("quarkus.datasource.username", PostgresServer.USER);
        config.put("quarkus.datasource.password", PostgresServer.PASSWORD);
        return config;
    }
}
