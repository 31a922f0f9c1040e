package dev.capsule.gateway;

import dev.capsule.events.CapsuleEvent;
import dev.capsule.events.EventCodec;
import dev.capsule.events.EventMeta;
import dev.capsule.events.InboundCancel;
import dev.capsule.events.InboundClose;
import dev.capsule.events.InboundConnected;
import dev.capsule.events.InboundMessage;
import dev.capsule.events.OutboundEvent;
import dev.capsule.events.Reply;
import dev.capsule.events.StreamChunk;
import dev.capsule.events.StreamEnd;
import dev.capsule.events.Topics;
import dev.capsule.events.TurnEnded;
import dev.capsule.kafka.EventPublisher;
import dev.capsule.kafka.KafkaConnection;
import dev.capsule.testing.TestStack;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Plays session-service on the real broker, since the gateway's tests run without it: every
 * inbound message gets a {@link Reply} {@code "echo: <text>"} and a {@link TurnEnded}, keyed by
 * session id, with the session's next seqs; the text {@code "/stream"} gets three
 * {@link StreamChunk}s and a {@link StreamEnd} instead of the reply. It also remembers every
 * inbound message, so tests can prove what the gateway published and what it did not.
 *
 * <p>A test-only bean: it reads every partition from its end as of startup (positioned before
 * startup completes, so before any test sends), without a consumer group.
 */
@ApplicationScoped
public class FakeSessionService {

    private final String bootstrap;
    private final Map<String, List<InboundMessage>> received = new ConcurrentHashMap<>();
    private final Map<String, List<InboundCancel>> cancels = new ConcurrentHashMap<>();
    private final Map<String, List<InboundClose>> closes = new ConcurrentHashMap<>();
    private final Map<String, List<InboundConnected>> connected = new ConcurrentHashMap<>();
    private final List<String> everything = new CopyOnWriteArrayList<>();
    private final Map<String, Long> seqs = new HashMap<>();
    private KafkaConsumer<String, byte[]> consumer;
    private EventPublisher publisher;
    private Thread thread;
    private volatile boolean running = true;

    FakeSessionService() {
        // The test's own clients use the broker's plain listener; the gateway under test uses the SASL one.
        this.bootstrap = TestStack.kafka().bootstrapServers();
    }

    void start(@Observes StartupEvent ignored) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.INBOUND, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        publisher = new EventPublisher(KafkaConnection.to(bootstrap), "fake-session-service");
        thread = Thread.ofPlatform().name("fake-session-service").daemon().start(this::loop);
    }

    /** The users' requests to stop an answer in {@code sessionId}, in order. */
    public List<InboundCancel> cancels(String sessionId) {
        return List.copyOf(cancels.getOrDefault(sessionId, List.of()));
    }

    /** The users' requests to close {@code sessionId}, in order. */
    public List<InboundClose> closes(String sessionId) {
        return List.copyOf(closes.getOrDefault(sessionId, List.of()));
    }

    /** The integrations connected in {@code sessionId}, as the gateway's OAuth callback told of them. */
    public List<InboundConnected> connected(String sessionId) {
        return List.copyOf(connected.getOrDefault(sessionId, List.of()));
    }

    /** Every inbound record seen so far, as the bytes on the topic read as text: what a scan for secrets reads. */
    public List<String> everythingSeen() {
        return List.copyOf(everything);
    }

    /** The inbound messages of {@code sessionId} seen so far, in order. */
    public List<InboundMessage> received(String sessionId) {
        return List.copyOf(received.getOrDefault(sessionId, List.of()));
    }

    private void loop() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    everything.add(new String(record.value(), java.nio.charset.StandardCharsets.UTF_8));
                    CapsuleEvent event = EventCodec.decode(record.value());
                    if (event instanceof InboundConnected c) {
                        connected.computeIfAbsent(c.sessionId(), k -> new CopyOnWriteArrayList<>()).add(c);
                        continue;
                    }
                    if (event instanceof InboundCancel cancel) {
                        cancels.computeIfAbsent(cancel.sessionId(), k -> new CopyOnWriteArrayList<>()).add(cancel);
                        continue;
                    }
                    if (event instanceof InboundClose close) {
                        closes.computeIfAbsent(close.sessionId(), k -> new CopyOnWriteArrayList<>()).add(close);
                        continue;
                    }
                    if (!(event instanceof InboundMessage message)) {
                        continue; // another request on a session's lane (a link, say): kept in everythingSeen() only
                    }
                    received.computeIfAbsent(message.sessionId(), k -> new CopyOnWriteArrayList<>()).add(message);
                    if (message.text().equals("/silent")) {
                        continue; // a turn that never answers: see SilentTurnTest
                    }
                    // Sends leave in order; waiting for the last acknowledgement waits for them all.
                    turnOf(message).stream().map(e -> publisher.publish(Topics.OUTBOUND, e)).toList().getLast().join();
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    private List<OutboundEvent> turnOf(InboundMessage m) {
        List<OutboundEvent> events = new ArrayList<>();
        if (m.text().equals("/stream")) {
            List<String> pieces = List.of("one ", "two ", "three");
            String streamId = m.eventId() + "-stream";
            for (int i = 0; i < pieces.size(); i++) {
                events.add(StreamChunk.of(meta(m), m.eventId(), nextSeq(m), m.channel(), m.route(), streamId, i, pieces.get(i)));
            }
            events.add(StreamEnd.of(meta(m), m.eventId(), nextSeq(m), m.channel(), m.route(), streamId, pieces.size(),
                    String.join("", pieces), false));
        } else if (m.text().equals("/flood")) {
            // Some megabytes of answer, more than a reader that does not read can take in: see LimitsTest.
            String big = "x".repeat(60_000);
            for (int i = 0; i < 150; i++) {
                events.add(Reply.of(meta(m), m.eventId(), nextSeq(m), m.channel(), m.route(), big));
            }
        } else {
            events.add(Reply.of(meta(m), m.eventId(), nextSeq(m), m.channel(), m.route(), "echo: " + m.text()));
        }
        events.add(TurnEnded.of(meta(m), m.eventId(), nextSeq(m), m.channel(), m.route(), events.size()));
        return events;
    }

    private static EventMeta meta(InboundMessage m) {
        return EventMeta.next(m.sessionId(), m.trace());
    }

    private long nextSeq(InboundMessage m) {
        return seqs.merge(m.sessionId(), 1L, Long::sum);
    }

    void stop(@Observes ShutdownEvent ignored) {
        running = false;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        publisher.close();
    }
}
