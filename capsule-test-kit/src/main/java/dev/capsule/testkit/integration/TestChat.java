package dev.capsule.testkit.integration;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capsule.sdk.Action;
import dev.capsule.events.CapsuleEvent;
import dev.capsule.events.EventCodec;
import dev.capsule.events.EventMeta;
import dev.capsule.events.InboundMessage;
import dev.capsule.events.Notify;
import dev.capsule.events.OutboundEvent;
import dev.capsule.events.Reply;
import dev.capsule.events.Show;
import dev.capsule.events.StreamEnd;
import dev.capsule.events.Topics;
import dev.capsule.events.TraceContext;
import dev.capsule.events.TurnEnded;
import dev.capsule.events.TurnFailed;
import dev.capsule.events.UserRef;
import dev.capsule.testing.TestStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plays a user in an app's integration test: sends a message the way the gateway does (an
 * {@link InboundMessage} on {@code capsule.inbound}) and collects the turn's events from
 * {@code capsule.outbound} until the turn ends, as the user's chat would receive them.
 *
 * <pre>{@code
 * try (TestChat chat = TestChat.connect()) {
 *     TestChat.Turn turn = chat.send("s1", "ana", "hello");
 *     TestChat.Turn pressed = chat.press("s1", "ana", new Action("done", "Mark done"));
 *     assertEquals("...", turn.replies().get(0));
 * }
 * }</pre>
 *
 * Use it with {@link CapsuleServers}, which starts the broker it talks to.
 */
public final class TestChat implements AutoCloseable {

    /** How long {@link #send} waits for a turn to end: the runtime's own first turn includes its start-up. */
    public static final Duration TURN_WAIT = Duration.ofSeconds(60);

    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<OutboundEvent> unclaimed = new ArrayList<>();

    private TestChat() {
        String bootstrap = TestStack.kafka().bootstrapServers();
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap), new StringSerializer(), new ByteArraySerializer());
        consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap), new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.OUTBOUND).stream()
                .map(p -> new TopicPartition(Topics.OUTBOUND, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        // Fixes the positions now: events of a message sent after connect() are never missed.
        partitions.forEach(consumer::position);
    }

    /** Connects to the broker that {@link CapsuleServers} started. */
    public static TestChat connect() {
        return new TestChat();
    }

    /**
     * Sends {@code text} as user {@code userId} in session {@code sessionId} (a new id starts a new session, whose
     * first message runs the app's {@code enter()}), and waits for its turn to end.
     *
     * @throws AssertionError when the turn does not end within {@link #TURN_WAIT}
     */
    public Turn send(String sessionId, String userId, String text) {
        return deliver(InboundMessage.of(EventMeta.next(sessionId, TraceContext.NONE), user(userId), "api", text, null));
    }

    /**
     * Presses a button as user {@code userId} in session {@code sessionId}, as the web chat and the channels do: the
     * handler gets a message whose {@code action()} holds the button's value and label. Waits for its turn to end.
     *
     * @throws AssertionError when the turn does not end within {@link #TURN_WAIT}
     */
    public Turn press(String sessionId, String userId, Action button) {
        return deliver(InboundMessage.pressed(EventMeta.next(sessionId, TraceContext.NONE), user(userId), "api",
                new InboundMessage.Action(button.value(), button.label()), null));
    }

    private static UserRef user(String userId) {
        return new UserRef(userId, null, userId);
    }

    private Turn deliver(InboundMessage message) {
        producer.send(new ProducerRecord<>(Topics.INBOUND, message.sessionId(), EventCodec.encode(message)));
        producer.flush();
        return awaitTurn(message.eventId());
    }

    private Turn awaitTurn(String messageId) {
        List<OutboundEvent> events = new ArrayList<>();
        unclaimed.removeIf(e -> e.inReplyTo().equals(messageId) && events.add(e));
        long deadline = System.nanoTime() + TURN_WAIT.toNanos();
        while (!ended(events)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the turn of message " + messageId + " did not end within " + TURN_WAIT
                        + "; its events so far: " + events + ". Is the app's session-service running (@QuarkusTest"
                        + " with CapsuleServers), and did the handler return?");
            }
            consumer.poll(Duration.ofMillis(100)).forEach(record -> {
                CapsuleEvent event = EventCodec.decode(record.value());
                if (event instanceof OutboundEvent out) {
                    (out.inReplyTo().equals(messageId) ? events : unclaimed).add(out);
                }
            });
        }
        return new Turn(events);
    }

    private static boolean ended(List<OutboundEvent> events) {
        return events.stream().anyMatch(e -> e instanceof TurnEnded || e instanceof TurnFailed);
    }

    /**
     * The events of one turn, in the order the runtime sent them (their {@code seq}), as a user's chat receives them.
     *
     * @param events every event the turn produced, its {@link TurnEnded} or {@link TurnFailed} last
     */
    public record Turn(List<OutboundEvent> events) {

        public Turn {
            events = events.stream().sorted(java.util.Comparator.comparingLong(OutboundEvent::seq)).toList();
        }

        /** The texts of the turn's replies. */
        public List<String> replies() {
            return events.stream().filter(Reply.class::isInstance).map(e -> ((Reply) e).text()).toList();
        }

        /** The texts of the turn's notifies. */
        public List<String> notifies() {
            return events.stream().filter(Notify.class::isInstance).map(e -> ((Notify) e).text()).toList();
        }

        /** The whole text of each stream of the turn, as its end carried it. */
        public List<String> streams() {
            return events.stream().filter(StreamEnd.class::isInstance).map(e -> ((StreamEnd) e).text()).toList();
        }

        /** The blocks the turn showed, as JSON with their {@code kind}. */
        public List<ObjectNode> blocks() {
            return events.stream().filter(Show.class::isInstance).map(e -> ((Show) e).block()).toList();
        }

        /** Why the turn failed (its error and message), or empty when it ended. */
        public Optional<String> failure() {
            return events.stream().filter(TurnFailed.class::isInstance).map(e -> (TurnFailed) e)
                    .map(f -> f.error() + ": " + f.message()).findFirst();
        }
    }

    @Override
    public void close() {
        producer.close();
        consumer.close();
    }
}
