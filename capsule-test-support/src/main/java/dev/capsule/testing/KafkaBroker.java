package dev.capsule.testing;

import dev.capsule.events.Topics;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Endpoint;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * An in-process Kafka broker in KRaft mode, with Capsule's topics created. It listens twice: in
 * plain text for the tests' own clients, and with SASL (PLAIN) for the services under test, as a
 * secured production cluster would make them, so that a service client that does not take the
 * deployment's {@code kafka.*} security settings cannot connect and its test fails.
 */
public final class KafkaBroker implements AutoCloseable {

    /** Partitions per topic in tests: more than one, so that tests see partitioned behaviour. */
    public static final int PARTITIONS = 3;

    static final String SASL_USER = "capsule";
    static final String SASL_PASSWORD = "capsule-test-secret";

    private final EmbeddedKafkaBroker broker;
    private final String bootstrap;
    private final String securedBootstrap;

    private KafkaBroker(EmbeddedKafkaBroker broker, String bootstrap, String securedBootstrap) {
        this.broker = broker;
        this.bootstrap = bootstrap;
        this.securedBootstrap = securedBootstrap;
    }

    /** The broker another class loader of this JVM started (see {@link TestStack}); closing it is that loader's job. */
    static KafkaBroker attach(String bootstrap, String securedBootstrap) {
        return new KafkaBroker(null, bootstrap, securedBootstrap);
    }

    public static KafkaBroker start() {
        return start(true);
    }

    /**
     * A broker of its own for a test that changes what the others share (adds partitions, say), listening in plain
     * text only. No SASL listener, on purpose: the JVM registers one SASL/PLAIN server provider, from the class
     * loader of the first broker that starts one, and a second SASL broker started from another test profile's
     * class loader would break sign-in at whichever came second.
     */
    public static KafkaBroker startPlainOnly() {
        return start(false);
    }

    private static KafkaBroker start(boolean secured) {
        int plain = Ports.free();
        int sasl = secured ? Ports.free() : -1;
        List<Endpoint> listeners = new ArrayList<>();
        listeners.add(EmbeddedKafkaBroker.endpoint("PLAINTEXT", SecurityProtocol.PLAINTEXT, "localhost", plain));
        if (secured) {
            listeners.add(EmbeddedKafkaBroker.endpoint("SASL", SecurityProtocol.SASL_PLAINTEXT, "localhost", sasl));
        }
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker()
                .withNodeId(0)
                .withKafkaPort(plain)
                .withControllerPort(Ports.free())
                .withAdvertisedListeners(listeners.toArray(Endpoint[]::new))
                .withDeleteLogDirsOnClose(true)
                .withAdditionalProperties(p -> {
                    // One broker: transactions and offsets cannot ask for more replicas than there are.
                    p.put("transaction.state.log.replication.factor", "1");
                    p.put("transaction.state.log.min.isr", "1");
                    p.put("offsets.topic.replication.factor", "1");
                    p.put("offsets.topic.num.partitions", "3");
                    p.put("group.initial.rebalance.delay.ms", "0");
                    if (secured) {
                        p.put("sasl.enabled.mechanisms", "PLAIN");
                        p.put("listener.name.sasl.plain.sasl.jaas.config",
                                "org.apache.kafka.common.security.plain.PlainLoginModule required user_" + SASL_USER
                                        + "=\"" + SASL_PASSWORD + "\";");
                    }
                })
                .start();
        KafkaBroker kafka = new KafkaBroker(broker, "localhost:" + plain, secured ? "localhost:" + sasl : null);
        kafka.createTopics(Topics.ALL, PARTITIONS);
        return kafka;
    }

    /** The plain-text listener, for the tests' own clients. */
    public String bootstrapServers() {
        return bootstrap;
    }

    /** The SASL listener's address; {@link #securedClientSettings()} says how to sign in to it. */
    public String securedBootstrapServers() {
        return securedBootstrap;
    }

    /** Kafka client settings (no {@code kafka.} prefix) that reach this broker over SASL PLAIN. */
    public Map<String, String> securedClientSettings() {
        return Map.of(
                "bootstrap.servers", securedBootstrap,
                "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                        + SASL_USER + "\" password=\"" + SASL_PASSWORD + "\";");
    }

    public void createTopics(List<String> names, int partitions) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            admin.createTopics(names.stream().map(n -> new NewTopic(n, partitions, (short) 1)).toList()).all().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create topics " + names + ": " + e.getCause().getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (broker != null) {
            broker.close();
        }
    }
}
