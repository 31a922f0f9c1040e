package dev.capsule.testing;

import dev.capsule.events.Topics;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/** An in-process Kafka broker in KRaft mode, with Capsule's topics created. */
public final class KafkaBroker implements AutoCloseable {

    /** Partitions per topic in tests: more than one, so that tests see partitioned behaviour. */
    public static final int PARTITIONS = 3;

    private final EmbeddedKafkaBroker broker;
    private final String bootstrap;

    private KafkaBroker(EmbeddedKafkaBroker broker, String bootstrap) {
        this.broker = broker;
        this.bootstrap = bootstrap;
    }

    /** The broker another class loader of this JVM started (see {@link TestStack}); closing it is that loader's job. */
    static KafkaBroker attach(String bootstrap) {
        return new KafkaBroker(null, bootstrap);
    }

    public static KafkaBroker start() {
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker()
                .withNodeId(0)
                .withKafkaPort(Ports.free())
                .withControllerPort(Ports.free())
                .withDeleteLogDirsOnClose(true)
                .withAdditionalProperties(p -> {
                    // One broker: transactions and offsets cannot ask for more replicas than there are.
                    p.put("transaction.state.log.replication.factor", "1");
                    p.put("transaction.state.log.min.isr", "1");
                    p.put("offsets.topic.replication.factor", "1");
                    p.put("offsets.topic.num.partitions", "3");
                    p.put("group.initial.rebalance.delay.ms", "0");
                })
                .start();
        KafkaBroker kafka = new KafkaBroker(broker, broker.getAdvertisedListeners());
        kafka.createTopics(Topics.ALL, PARTITIONS);
        return kafka;
    }

    public String bootstrapServers() {
        return bootstrap;
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
