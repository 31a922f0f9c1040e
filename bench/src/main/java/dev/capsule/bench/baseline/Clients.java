package dev.capsule.bench.baseline;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Kafka clients for the baselines, configured as Capsule's own are, so that the comparison is like for like. */
final class Clients {

    private Clients() {
    }

    /** The producer settings of capsule-kafka's EventPublisher: idempotent, acks=all, linger 1 ms. */
    static KafkaProducer<String, byte[]> producer(String bootstrap, String clientId) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.CLIENT_ID_CONFIG, clientId,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 1),
                new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * A consumer that reads every partition of {@code topic} from its end: assigned, not
     * subscribed, so that no group rebalance delays the first step; it commits nothing.
     */
    static KafkaConsumer<String, byte[]> tailOf(String bootstrap, String clientId, String topic) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.CLIENT_ID_CONFIG, clientId,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer());
        // A topic created a moment ago may not be in every metadata answer yet: ask until it is.
        List<PartitionInfo> partitions = consumer.partitionsFor(topic);
        for (int tries = 0; partitions.isEmpty() && tries < 300; tries++) {
            sleep();
            partitions = consumer.partitionsFor(topic);
        }
        if (partitions.isEmpty()) {
            consumer.close();
            throw new IllegalStateException("topic " + topic + " has no partitions in Kafka's metadata after 30 s");
        }
        List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(assigned);
        consumer.seekToEnd(assigned);
        assigned.forEach(consumer::position); // the seek is lazy: resolve it now, before anything is sent
        return consumer;
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a topic", e);
        }
    }
}
