package dev.capsule.bench.baseline;

import java.nio.ByteBuffer;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;

/** The far end of a baseline: reads the outbound topic and tells the current step's tracker what arrived when. */
final class Collector implements Runnable, AutoCloseable {

    static final String STEP_HEADER = "bench-step";
    static final String INDEX_HEADER = "bench-index";

    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private volatile Tracker tracker;
    private volatile boolean running = true;

    Collector(String bootstrap, String outTopic) {
        this.consumer = Clients.tailOf(bootstrap, "bench-collector", outTopic);
        this.thread = new Thread(this, "bench-collector");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    void track(Tracker next) {
        tracker = next;
    }

    @Override
    public void run() {
        while (running) {
            ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
            // One arrival time per fetched batch: the records of a batch arrived together.
            long now = System.nanoTime();
            Tracker t = tracker;
            for (ConsumerRecord<String, byte[]> r : records) {
                if (t != null && intHeader(r.headers().lastHeader(STEP_HEADER)) == t.step) {
                    t.arrived(intHeader(r.headers().lastHeader(INDEX_HEADER)), now);
                }
            }
        }
    }

    static byte[] intBytes(int value) {
        return ByteBuffer.allocate(4).putInt(value).array();
    }

    private static int intHeader(Header header) {
        return header == null || header.value().length != 4 ? -1 : ByteBuffer.wrap(header.value()).getInt();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
        consumer.close();
    }
}
