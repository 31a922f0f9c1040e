package dev.capsule.bench.baseline;

import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import redis.clients.jedis.Jedis;

/**
 * The floor Capsule stands on: one consumer that takes each message off the inbound topic and
 * puts it on the outbound one, optionally reading and writing one Redis key per message first
 * (session state in its simplest form: read, change, write back, before answering).
 */
final class Forwarder implements Runnable, AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final String outTopic;
    private final Jedis redis;
    private final String keyPrefix;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;

    /** {@code redis} null for baseline (a); each message's key under {@code keyPrefix} for (b). */
    Forwarder(String bootstrap, String inTopic, String outTopic, Jedis redis, String keyPrefix) {
        this.consumer = Clients.tailOf(bootstrap, "bench-forwarder", inTopic);
        this.producer = Clients.producer(bootstrap, "bench-forwarder");
        this.outTopic = outTopic;
        this.redis = redis;
        this.keyPrefix = keyPrefix;
        this.thread = new Thread(this, "bench-forwarder");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    @Override
    public void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (redis != null) {
                        String key = keyPrefix + r.key();
                        String turns = redis.get(key);
                        // Expires on its own: the bench leaves nothing behind in the stack's Redis.
                        redis.setex(key, 3600, turns == null ? "1" : Integer.toString(Integer.parseInt(turns) + 1));
                    }
                    producer.send(new ProducerRecord<>(outTopic, null, r.key(), r.value(), r.headers()));
                }
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    /** Why the forwarder stopped early, or null while it runs. */
    Throwable failure() {
        return failure;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
        consumer.close();
        producer.close();
        if (redis != null) {
            redis.close();
        }
    }
}
