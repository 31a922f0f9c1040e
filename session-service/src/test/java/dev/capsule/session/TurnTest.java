package dev.capsule.session;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.capsule.events.HistoryLine;
import dev.capsule.events.InboundMessage;
import dev.capsule.events.InboundPosition;
import dev.capsule.events.OutboundEvent;
import dev.capsule.events.Reply;
import dev.capsule.events.StateChanged;
import dev.capsule.events.EventMeta;
import dev.capsule.events.EventCodec;
import dev.capsule.events.TraceContext;
import dev.capsule.events.StreamChunk;
import dev.capsule.events.StreamEnd;
import dev.capsule.events.Topics;
import dev.capsule.events.TurnEnded;
import dev.capsule.events.TurnFailed;
import dev.capsule.kafka.DeadLetter;
import dev.capsule.session.state.SessionState;
import dev.capsule.session.state.SessionStore;
import dev.capsule.session.state.PartitionFence;
import dev.capsule.session.inbound.InboundRebalance;
import io.smallrye.common.annotation.Identifier;
import dev.capsule.session.state.StaleSessionException;
import dev.capsule.session.turn.TurnRunner;
import dev.capsule.testing.KafkaBroker;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.PostgresResource;
import dev.capsule.testing.RedisResource;
import dev.capsule.testing.TestStack;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Turns on a real broker and Redis: order, concurrency, failures, streams, fencing. */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class TurnTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    private static final Instant CREATED = Instant.parse("2026-11-30T12:00:00.123456Z");

    @Inject
    SessionStore store;

    @Inject
    RedisDataSource redis;

    @Inject
    TurnRunner turns;

    @Inject
    PartitionFence fence;

    @Inject
    @Identifier("session-service.inbound-rebalance")
    InboundRebalance rebalance;

    KafkaTestClient kafka;

    @BeforeEach
    void connect() {
        kafka = new KafkaTestClient(Topics.OUTBOUND, Topics.CHANGES);
    }

    @AfterEach
    void disconnect() {
        TestApp.gate = new CountDownLatch(0);
        kafka.close();
    }

    static String session() {
        return "s-" + UUID.randomUUID();
    }

    @Test
    void messagesOfEachSessionAreHandledInOrderWithManySessionsInFlight() {
        List<String> sessions = IntStream.range(0, 20).mapToObj(i -> session()).toList();
        for (int m = 1; m <= 10; m++) {
            for (String s : sessions) {
                kafka.send(s, "u-" + s, "m" + m);
            }
        }
        await().atMost(WAIT).until(() -> sessions.stream().allMatch(s -> kafka.of(s, TurnEnded.class).size() == 10));
        for (String s : sessions) {
            List<String> replies = kafka.of(s, Reply.class).stream().map(Reply::text).toList();
            assertEquals(IntStream.rangeClosed(1, 10).mapToObj(i -> "#" + i + ": m" + i).toList(), replies, s);
            List<Long> seqs = kafka.of(s, OutboundEvent.class).stream().map(OutboundEvent::seq).toList();
            assertEquals(LongRange.closed(1, 20), seqs, "seq of " + s + " counts every outbound event without gaps");
        }
    }

    @Test
    void aSlowSessionDoesNotHoldUpAnotherSessionOfTheSamePartition() {
        String slow = session();
        String fast = sessionInSamePartitionAs(slow);
        TestApp.gate = new CountDownLatch(1);
        kafka.send(slow, "u-slow", "/wait");
        kafka.send(fast, "u-fast", "hello");
        await().atMost(WAIT).until(() -> kafka.of(fast, Reply.class).size() == 1);
        assertTrue(kafka.of(slow, Reply.class).isEmpty(), "the slow session is still in its turn");
        TestApp.gate.countDown();
        await().atMost(WAIT).until(() -> kafka.of(slow, Reply.class).size() == 1);
    }

    @Test
    void aThrowingHandlerSendsAnErrorEventAndTheSessionGoesOn() {
        String s = session();
        kafka.send(s, "u1", "one");
        kafka.send(s, "u1", "/throw");
        kafka.send(s, "u1", "three");
        await().atMost(WAIT).until(() -> kafka.of(s, TurnEnded.class).size() == 2 && kafka.of(s, TurnFailed.class).size() == 1);
        TurnFailed failed = kafka.of(s, TurnFailed.class).get(0);
        assertEquals("handler_error", failed.error());
        assertFalse(failed.message().contains("on purpose"), "the user is not shown the exception");
        // The failed turn's change to the data was dropped: the next turn is #2, not #3.
        assertEquals(List.of("#1: one", "#2: three"), kafka.of(s, Reply.class).stream().map(Reply::text).toList());
    }

    @Test
    void aButtonPressReachesTheHandlerAsAnActionReadAsItsLabelWhileTypingItsValueStaysText() {
        String s = session();
        kafka.press(s, "u1", "done", "Mark done");
        kafka.send(s, "u1", "done");
        await().atMost(WAIT).until(() -> kafka.of(s, TurnEnded.class).size() == 2);
        assertEquals(List.of("pressed done (Mark done); text Mark done; history Mark done", "#2: done"),
                kafka.of(s, Reply.class).stream().map(Reply::text).toList());
    }

    @Test
    void aStreamsChunksArriveInOrderAddUpToItsWholeTextAndFastWritesAreCoalesced() {
        String s = session();
        kafka.send(s, "u1", "/stream 40");
        await().atMost(WAIT).until(() -> kafka.of(s, StreamEnd.class).size() == 1);
        List<StreamChunk> chunks = kafka.of(s, StreamChunk.class);
        StreamEnd end = kafka.of(s, StreamEnd.class).get(0);
        assertEquals(IntStream.range(0, chunks.size()).boxed().toList(), chunks.stream().map(StreamChunk::index).toList());
        assertEquals(IntStream.range(0, 40).mapToObj(i -> "c" + i + ";").collect(java.util.stream.Collectors.joining()), end.text());
        assertEquals(end.text(), String.join("", chunks.stream().map(StreamChunk::text).toList()), "the chunks add up to the whole text");
        assertEquals("c0;", chunks.get(0).text(), "the first write goes at once, alone");
        assertTrue(chunks.size() < 40, "40 writes in a tight loop are not 40 events: " + chunks.size());
        assertEquals(chunks.size(), end.chunks());
        assertTrue(end.seq() > chunks.get(chunks.size() - 1).seq());
    }

    @Test
    void aNamedChannelsSessionIsAnsweredOnItsOwnTopicSoThatWebConsumersFetchNoneOfIt() {
        String s = "telegram:demo:" + UUID.randomUUID();
        try (KafkaTestClient channels = new KafkaTestClient(Topics.OUTBOUND_CHANNELS)) {
            kafka.sendRaw(InboundMessage.of(EventMeta.next(s, TraceContext.NONE), KafkaTestClient.user("tg-1"), "demo-telegram", "hello", "chat-1"));
            String web = session();
            kafka.send(web, "u1", "hello"); // after it, on the web topic: once its turn has ended, the other's has too
            await().atMost(WAIT).until(() -> kafka.of(web, TurnEnded.class).size() == 1 && channels.of(s, TurnEnded.class).size() == 1);
            assertEquals(List.of("#1: hello"), channels.of(s, Reply.class).stream().map(Reply::text).toList());
            assertEquals(List.of(), kafka.of(s, OutboundEvent.class), "nothing of the channel's session on " + Topics.OUTBOUND);
            assertEquals(List.of(), channels.of(web, OutboundEvent.class), "nothing of the web session on " + Topics.OUTBOUND_CHANNELS);
        }
    }

    @Test
    void aPacedStreamSendsAtMostOneChunkPerWindow() {
        // /slowstream writes every 20 ms; the window is 50 ms (the default).
        String s = session();
        kafka.send(s, "u1", "/slowstream");
        await().atMost(WAIT).until(() -> kafka.of(s, StreamChunk.class).size() >= 6);
        kafka.send(s, "u1", "stop"); // queued behind the stream: it does not cut it, the test just stops looking
        List<StreamChunk> chunks = kafka.of(s, StreamChunk.class).subList(0, 6);
        for (int i = 1; i < chunks.size(); i++) {
            java.time.Duration gap = java.time.Duration.between(chunks.get(i - 1).timestamp(), chunks.get(i).timestamp());
            // Timestamps are taken as each event is built, within a millisecond or so of its send.
            assertTrue(gap.toMillis() >= 45, "chunks " + (i - 1) + " and " + i + " only " + gap.toMillis() + " ms apart");
        }
        // How many writes a window holds depends on the machine's pace; that none is lost, doubled or moved does not.
        String written = String.join("", chunks.stream().map(StreamChunk::text).toList());
        int writes = written.split(";").length;
        assertEquals(IntStream.range(0, writes).mapToObj(i -> "s" + i + ";").collect(java.util.stream.Collectors.joining()), written);
    }

    @Test
    void aRedeliveredMessageIsNotHandledTwice() {
        String s = session();
        InboundMessage first = kafka.send(s, "u1", "once");
        await().atMost(WAIT).until(() -> kafka.of(s, TurnEnded.class).size() == 1);
        kafka.sendRaw(first);
        kafka.send(s, "u1", "twice");
        await().atMost(WAIT).until(() -> kafka.of(s, TurnEnded.class).size() == 2);
        assertEquals(List.of("#1: once", "#2: twice"), kafka.of(s, Reply.class).stream().map(Reply::text).toList());
    }

    @Test
    void aTurnWhoseStoreWasDownRunsAgainInsteadOfFailing() {
        String s = session();
        kafka.send(s, "u1", "/store-down-once");
        kafka.send(s, "u1", "next");
        await().atMost(WAIT).until(() -> kafka.of(s, TurnEnded.class).size() == 2);
        assertEquals(List.of(), kafka.of(s, TurnFailed.class), "an outage of the runtime's store is not the app's failure");
        List<Reply> replies = kafka.of(s, Reply.class);
        assertEquals(List.of("#1: before the store", "#1: after the store", "#2: next"),
                replies.stream().collect(java.util.stream.Collectors.toMap(Reply::eventId, Reply::text, (a, b) -> a,
                        java.util.LinkedHashMap::new)).values().stream().toList(),
                "the run again said what the first run said under the same id, then went on");
    }

    /** Sends "one" in session {@code s} and answers where its record sits, once the state saved has it. */
    private static int inboundPartitions() {
        try (KafkaConsumer<String, byte[]> metadata = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestStack.kafka().bootstrapServers()),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            return metadata.partitionsFor(Topics.INBOUND).size();
        }
    }

    private InboundPosition positionAfterOne(String s) {
        kafka.send(s, "u1", "one");
        await().atMost(WAIT).until(() -> store.load(s).map(SessionState::handledUpTo).isPresent());
        return store.load(s).orElseThrow().handledUpTo();
    }

    @Test
    void aRedeliveredMessageBeyondTheIdsKeptIsDroppedByItsPositionInTheTopic() {
        String s = session();
        InboundPosition handled = positionAfterOne(s);

        // Read again after a crash, a record at or below that position is not run, whatever its id: the ids the
        // state keeps are only the last 64, while a partition is read in order.
        InboundMessage redelivered = InboundMessage.of(EventMeta.next(s, TraceContext.NONE), KafkaTestClient.user("u1"), "api",
                "again", null);
        turns.run(List.of(redelivered), handled).join();
        turns.run(List.of(redelivered), new InboundPosition(handled.partition(), handled.offset() - 1)).join();

        kafka.send(s, "u1", "two");
        await().atMost(WAIT).until(() -> kafka.of(s, TurnEnded.class).size() == 2);
        assertEquals(List.of("#1: one", "#2: two"), kafka.of(s, Reply.class).stream().map(Reply::text).toList());
        InboundPosition next = store.load(s).orElseThrow().handledUpTo();
        assertEquals(handled.partition(), next.partition());
        assertTrue(next.offset() > handled.offset(), "the position moves on with each message: " + next);
    }

    @Test
    void aReplicaThatLostTheSessionsPartitionPublishesNothingMoreForIt() {
        String s = session();
        InboundPosition handled = positionAfterOne(s);
        TopicPartition partition = new TopicPartition(Topics.INBOUND, handled.partition());
        int partitions = inboundPartitions();

        // The consumer heard that the partition is gone (a rebalance, or a pause past the group's deadline), while a
        // turn it had taken before still runs: its reply, its end and its state stop at the fence.
        fence.released(List.of(partition));
        try {
            InboundMessage late = InboundMessage.of(EventMeta.next(s, TraceContext.NONE), KafkaTestClient.user("u1"), "api",
                    "late", null);
            assertThrows(StaleSessionException.class,
                    () -> turns.run(List.of(late), new InboundPosition(handled.partition(), handled.offset() + 1)));
        } finally {
            fence.assigned(List.of(partition), partitions);
        }

        kafka.send(s, "u1", "two");
        await().atMost(WAIT).until(() -> kafka.of(s, TurnEnded.class).size() == 2);
        await().atMost(WAIT).until(() -> kafka.of(s, StateChanged.class).size() == 2);
        assertEquals(List.of("#1: one", "#2: two"), kafka.of(s, Reply.class).stream().map(Reply::text).toList());
        assertEquals(List.of(), kafka.of(s, TurnFailed.class), "nothing of the fenced turn left");
        assertEquals(List.of(1L, 2L), kafka.of(s, StateChanged.class).stream().map(StateChanged::version).toList());
    }

    @Test
    void aRevokedPartitionsRunningTurnIsCutShortAndSaysNothing() {
        String s = session();
        TestApp.gate = new CountDownLatch(1);
        try {
            // The consumer hears the partition is gone while the handler waits: the handler is interrupted, though the
            // gate it waits at never opens, and what it says after is stopped at the fence.
            CompletableFuture<Void> turn = runThenRevoke(s, "/wait", () -> TestApp.waiting.get() == 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> TestApp.waiting.get() == 0);
            assertStale(turn);
        } finally {
            TestApp.gate.countDown();
        }
        assertEquals(List.of("#1: one"), kafka.of(s, Reply.class).stream().map(Reply::text).toList());
        assertEquals(List.of(), kafka.of(s, TurnFailed.class), "nothing of the cut turn left");
    }

    @Test
    void aRevokedPartitionsRunningStreamIsCutWithoutItsEndAndTheRebalanceListenerDoesNotFail() {
        String s = session();
        // The listener cancels the open stream, whose end the fence refuses: that must not fail the listener, which
        // would fail the Kafka consumer's rebalance (runThenRevoke asserts it does not throw).
        assertStale(runThenRevoke(s, "/slowstream", () -> !kafka.of(s, StreamChunk.class).isEmpty()));
        assertEquals(List.of(), kafka.of(s, StreamEnd.class), "the cut stream's end is the new owner's to send");
        assertEquals(List.of(), kafka.of(s, TurnFailed.class), "nothing of the cut turn left");
    }

    /**
     * Runs a turn of {@code text} after a first one, revokes the session's partition once {@code running} holds, and
     * answers the turn once it is over. Run here rather than through Kafka, so that the record the fence stops is not
     * left unacknowledged in a partition this test's consumer still holds (a real revoke hands it to another replica).
     */
    private CompletableFuture<Void> runThenRevoke(String s, String text, Callable<Boolean> running) {
        InboundPosition handled = positionAfterOne(s);
        TopicPartition partition = new TopicPartition(Topics.INBOUND, handled.partition());
        int partitions = inboundPartitions();
        InboundMessage message = InboundMessage.of(EventMeta.next(s, TraceContext.NONE), KafkaTestClient.user("u1"), "api",
                text, null);
        try (ExecutorService thread = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletableFuture<Void> turn = CompletableFuture.supplyAsync(() -> turns.run(List.of(message),
                    new InboundPosition(handled.partition(), handled.offset() + 1)), thread).thenCompose(f -> f);
            await().atMost(WAIT).until(running);
            assertDoesNotThrow(() -> rebalance.onPartitionsRevoked(null, List.of(partition)));
            await().atMost(Duration.ofSeconds(10)).until(turn::isDone);
            return turn;
        } finally {
            fence.assigned(List.of(partition), partitions);
        }
    }

    private static void assertStale(CompletableFuture<Void> turn) {
        assertThrows(StaleSessionException.class, () -> {
            try {
                turn.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause();
            }
        });
    }

    @Test
    void aSessionThisReplicaRunsGoesOnFromItsMemoryWhenRedisLosesItsState() {
        String s = session();
        kafka.send(s, "u1", "one");
        await().atMost(WAIT).until(() -> kafka.of(s, TurnEnded.class).size() == 1);
        // Redis lost it, and no persistence-service runs in this module's tests to keep a snapshot: only memory has it.
        redis.execute("DEL", "capsule:session:" + s);
        kafka.send(s, "u1", "two");
        await().atMost(WAIT).until(() -> kafka.of(s, TurnEnded.class).size() == 2);
        assertEquals(List.of("#1: one", "#2: two"), kafka.of(s, Reply.class).stream().map(Reply::text).toList());
        assertEquals(2, store.load(s).orElseThrow().version(), "the turn's save put the state back in Redis");
        assertEquals(kafka.of(s, StateChanged.class).get(1).snapshot().history(), store.load(s).orElseThrow().history(),
                "the whole window, though the turn added two lines to it");
    }

    @Test
    void aTurnWhoseStateRedisRefusedToSaveRunsAgainOnceRedisTakesItAndKeepsItsReplysId() {
        String s = session();
        kafka.send(s, "u1", "one");
        await().atMost(WAIT).until(() -> kafka.of(s, TurnEnded.class).size() == 1);
        Runnable repair = breakSaves(s);
        kafka.send(s, "u1", "two");
        await().atMost(WAIT).until(() -> kafka.of(s, TurnEnded.class).size() == 2);

        repair.run();
        // Not done while its state was not saved: the turn runs again, and sends its events again.
        await().atMost(WAIT).until(() -> kafka.of(s, TurnEnded.class).size() == 3);
        assertEquals(2, kafka.of(s, TurnEnded.class).stream().map(TurnEnded::eventId).distinct().count());
        List<Reply> replies = kafka.of(s, Reply.class);
        assertEquals(List.of("#1: one", "#2: two"), replies.stream().map(Reply::text).distinct().toList());
        assertEquals(2, replies.stream().map(Reply::eventId).distinct().count(), "a run again sends the same ids: " + replies);
        assertEquals(2, store.load(s).orElseThrow().version());
        // Each run sent the turn's state change with its events, before Redis refused the save: the same id and version
        // each time, so the read model (which moves a snapshot only to a higher version) folds it once.
        await().atMost(WAIT).until(() -> kafka.of(s, StateChanged.class).size() == 3);
        List<StateChanged> changes = kafka.of(s, StateChanged.class);
        assertEquals(List.of(1L, 2L, 2L), changes.stream().map(StateChanged::version).toList());
        assertEquals(2, changes.stream().map(StateChanged::eventId).distinct().count(), "a run again sends the same state change: " + changes);
    }

    /**
     * Makes session {@code s}'s saves fail: a key of the wrong type fails every command on it, so a turn runs from
     * memory and then its save fails, and runs again. Answers what puts the saved state back.
     */
    private Runnable breakSaves(String s) {
        String key = "capsule:session:" + s;
        // The turn's end reaches Kafka before its state reaches Redis.
        await().atMost(WAIT).until(() -> redis.execute("EXISTS", key).toInteger() == 1);
        List<String> fields = new ArrayList<>(); // name, value, name, value: whatever the store keeps
        redis.execute("HKEYS", key).forEach(name -> fields.addAll(List.of(name.toString(), redis.execute("HGET", key, name.toString()).toString())));
        redis.execute("SET", key, "not a hash");
        return () -> {
            redis.execute("DEL", key);
            redis.execute("HSET", Stream.concat(Stream.of(key), fields.stream()).toArray(String[]::new));
        };
    }

    @Test
    void aStreamingTurnRunAgainWithOtherChunksSendsItsAnswersUnderTheSameIds() {
        String s = session();
        kafka.send(s, "u1", "one");
        await().atMost(WAIT).until(() -> kafka.of(s, TurnEnded.class).size() == 1);
        Runnable repair = breakSaves(s);
        kafka.send(s, "u1", "/stream-varies");
        await().atMost(WAIT).until(() -> kafka.of(s, TurnEnded.class).size() >= 2);
        repair.run();
        await().atMost(WAIT).until(() -> store.load(s).orElseThrow().version() == 2);
        // The last run's events reached Kafka before its save reached Redis, but maybe not yet this test's consumer.
        // A partition is read in order, so once a second end is here, so are the chunks before it.
        await().atMost(WAIT).until(() -> kafka.of(s, StreamEnd.class).stream().map(StreamEnd::seq).distinct().count() > 1);

        List<StreamChunk> chunks = kafka.of(s, StreamChunk.class);
        assertTrue(chunks.stream().map(StreamChunk::streamId).distinct().count() == 1
                && chunks.stream().filter(c -> c.index() == 0).count() >= 2, "the turn ran more than once: " + chunks);
        List<StreamEnd> ends = kafka.of(s, StreamEnd.class);
        assertTrue(ends.stream().map(StreamEnd::seq).distinct().count() > 1,
                "the runs chunked the stream differently, so its end came at other seqs: " + ends);
        assertEquals(1, ends.stream().map(StreamEnd::eventId).distinct().count(), "one end, whatever its seq: " + ends);
        assertEquals(List.of("a;b;c;"), ends.stream().map(StreamEnd::text).distinct().toList());
        List<Reply> replies = kafka.of(s, Reply.class).stream().filter(r -> r.text().endsWith("after the stream")).toList();
        assertEquals(1, replies.stream().map(Reply::eventId).distinct().count(), "one reply after it: " + replies);
    }

    @Test
    void aTurnThatFailsForAReasonOfItsOwnEndsAsFailedAfterItsTriesIsDeadLetteredAndTheSessionGoesOn() {
        String s = session();
        try (KafkaConsumer<String, byte[]> letters = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestStack.kafka().bootstrapServers()),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = letters.partitionsFor(Topics.DEAD_LETTER).stream()
                    .map(p -> new TopicPartition(Topics.DEAD_LETTER, p.partition())).toList();
            letters.assign(partitions);
            letters.seekToEnd(partitions);
            partitions.forEach(letters::position);

            kafka.send(s, "u1", "one");
            InboundMessage oversized = kafka.send(s, "u1", "/oversized");
            await().atMost(WAIT).until(() -> kafka.of(s, TurnFailed.class).size() == 1);
            TurnFailed failed = kafka.of(s, TurnFailed.class).getFirst();
            assertEquals(oversized.eventId(), failed.inReplyTo());
            assertEquals("turn_failed", failed.error());
            assertEquals(List.of("#1: one"), kafka.of(s, Reply.class).stream().map(Reply::text).toList(),
                    "nothing of the oversized turn reached Kafka");

            List<ConsumerRecord<String, byte[]>> dead = new ArrayList<>();
            await().atMost(WAIT).until(() -> {
                letters.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (s.equals(r.key())) {
                        dead.add(r);
                    }
                });
                return dead.size() == 1;
            });
            String reason = new String(dead.getFirst().headers().lastHeader(DeadLetter.REASON).value(), StandardCharsets.UTF_8);
            assertTrue(reason.contains("RecordTooLargeException"), reason);
            assertFalse(new String(dead.getFirst().value(), StandardCharsets.UTF_8).contains("/oversized"), "the letter is redacted");

            // The session goes on, without the failed turn's changes to its data.
            kafka.send(s, "u1", "two");
            await().atMost(WAIT).until(() -> kafka.of(s, TurnEnded.class).size() == 2);
            assertEquals(List.of("#1: one", "#2: two"), kafka.of(s, Reply.class).stream().map(Reply::text).toList());
            assertTrue(failed.seq() < kafka.of(s, Reply.class).getLast().seq());
        }
    }

    @Test
    void aStateTooLargeForKafkaFailsItsTurnBeforeItsEndLeaves() {
        String s = session();
        kafka.send(s, "u1", "one");
        InboundMessage oversized = kafka.send(s, "u1", "/oversized-state");
        await().atMost(WAIT).until(() -> kafka.of(s, TurnFailed.class).size() == 1);
        assertEquals(oversized.eventId(), kafka.of(s, TurnFailed.class).getFirst().inReplyTo());
        kafka.send(s, "u1", "two");
        await().atMost(WAIT).until(() -> kafka.of(s, TurnEnded.class).size() == 2);
        // No run of the oversized turn told anyone it went well, and its change to the data was dropped.
        assertTrue(kafka.of(s, TurnEnded.class).stream().noneMatch(e -> e.inReplyTo().equals(oversized.eventId())),
                "a turn.ended for the oversized turn left before its state was refused");
        assertEquals("#2: two", kafka.of(s, Reply.class).getLast().text());
    }

    @Test
    void anotherUsersMessageToASessionIsNotRun() {
        String s = session();
        kafka.send(s, "owner", "mine");
        kafka.send(s, "intruder", "theirs");
        kafka.send(s, "owner", "mine again");
        await().atMost(WAIT).until(() -> kafka.of(s, TurnEnded.class).size() == 2);
        assertEquals(List.of("#1: mine", "#2: mine again"), kafka.of(s, Reply.class).stream().map(Reply::text).toList());
    }

    @Test
    void currentSessionIsSetInHelpersAndInThreadsTheHandlerStarts() {
        String s = session();
        kafka.send(s, "u1", "/whoami");
        await().atMost(WAIT).until(() -> kafka.of(s, Reply.class).size() == 1);
        assertEquals("helper=" + s + " thread=" + s, kafka.of(s, Reply.class).get(0).text());
        assertTrue(dev.capsule.sdk.Capsule.currentSession().isEmpty(), "no session outside a turn");
    }

    @Test
    void aStaleInstanceCannotOverwriteNewerSessionState() {
        String s = session();
        SessionState v1 = state(s, 1);
        store.save(change(v1));
        store.save(change(state(s, 2)));
        StaleSessionException e = assertThrows(StaleSessionException.class, () -> store.save(change(state(s, 2))));
        assertTrue(e.getMessage().contains("at version 2"), e.getMessage());
        assertEquals(2, store.load(s).orElseThrow().version());
    }

    @Test
    void redisKeepsTheStateTheTurnSentToKafkaAsAHeadAndItsWindowALineAFieldForADay() {
        String s = session();
        String key = "capsule:session:" + s;
        kafka.send(s, "u1", "one");
        await().atMost(WAIT).until(() -> kafka.of(s, TurnEnded.class).size() == 1);
        kafka.send(s, "u1", "two");
        await().atMost(WAIT).until(() -> kafka.of(s, StateChanged.class).size() == 2 && store.load(s).orElseThrow().version() == 2);
        StateChanged sent = kafka.of(s, StateChanged.class).get(1);
        assertEquals(SessionState.of(s, 2, sent.data(), sent.snapshot()), store.load(s).orElseThrow());
        assertEquals(4, sent.snapshot().history().size(), "two messages and two answers: " + sent.snapshot().history());

        StateChanged head = EventCodec.decode(redis.execute("HGET", key, "head").toBytes(), StateChanged.class);
        assertEquals(List.of(), head.snapshot().history(), "the window is kept beside the head, not in it");
        assertEquals(sent.data(), head.data());
        assertEquals("0", redis.execute("HGET", key, "first").toString());
        assertEquals("4", redis.execute("HGET", key, "next").toString());
        for (int i = 0; i < 4; i++) {
            String field = "line:" + i;
            assertEquals(sent.snapshot().history().get(i),
                    assertDoesNotThrow(() -> EventCodec.mapper().readValue(redis.execute("HGET", key, field).toBytes(), HistoryLine.class)));
        }
        assertNull(redis.execute("HGET", key, "change"), "the whole event, as the release before wrote it, is not written");
        assertNull(redis.execute("HGET", key, "state"), "the older format is not written");
        long ttl = redis.execute("PTTL", key).toLong();
        assertTrue(ttl > 0 && ttl <= Duration.ofDays(1).toMillis(), "kept for capsule.session.state.redis-for, not for ever: " + ttl);
    }

    @Test
    void aSaveSendsTheLinesTheTurnAddedAndDropsThoseThatLeftTheWindow() {
        String s = session();
        String key = "capsule:session:" + s;
        List<HistoryLine> lines = IntStream.range(0, 53).mapToObj(TurnTest::line).toList();
        SessionState v1 = state(s, 1, lines.subList(0, 50));
        store.save(change(v1));
        SessionState v2 = state(s, 2, lines.subList(3, 53)); // three lines added, the three oldest gone
        store.saveAsync(store.prepare(change(v2), v1.history())).join();

        assertEquals(v2, store.load(s).orElseThrow());
        assertEquals("3", redis.execute("HGET", key, "first").toString());
        assertEquals("53", redis.execute("HGET", key, "next").toString());
        assertNull(redis.execute("HGET", key, "line:2"), "a line that left the window leaves the hash");
        assertEquals(4 + 50, redis.execute("HLEN", key).toInteger(), "version, head, first, next and the window, no more");

        SessionState v3 = state(s, 3, List.of(line(99))); // not v2's window with lines added: sent whole
        store.saveAsync(store.prepare(change(v3), v2.history())).join();
        assertEquals(v3, store.load(s).orElseThrow());
        assertEquals(4 + 1, redis.execute("HLEN", key).toInteger());
    }

    @Test
    void savesGoOnWhenRedisHasForgottenTheSaveScript() {
        String s = session();
        store.save(change(state(s, 1, List.of(line(0)))));
        redis.execute("SCRIPT", "FLUSH"); // as after a restart: the saves' digest names no script
        SessionState v2 = state(s, 2, List.of(line(0), line(1)));
        store.saveAsync(store.prepare(change(v2), List.of(line(0)))).join();
        assertEquals(v2, store.load(s).orElseThrow());
        StaleSessionException e = assertThrows(StaleSessionException.class, () -> store.save(change(state(s, 2))));
        assertTrue(e.getMessage().contains("at version 2"), "the fence holds by digest too: " + e.getMessage());
    }

    @Test
    void aHashMissingALineOfItsWindowIsTakenAsLost() {
        String s = session();
        store.save(change(state(s, 1, List.of(line(0), line(1)))));
        redis.execute("HDEL", "capsule:session:" + s, "line:0");
        assertTrue(store.load(s).isEmpty(), "Redis is a cache: the session resumes from PostgreSQL, not with half a window");
    }

    @Test
    void aSaveThatAddsToAWindowRedisNoLongerHoldsGoesAgainWhole() {
        String s = session();
        SessionState v1 = state(s, 1, List.of(line(0), line(1)));
        store.save(change(v1));
        redis.execute("DEL", "capsule:session:" + s); // expired, or Redis restarted without it
        SessionState v2 = state(s, 2, List.of(line(0), line(1), line(2), line(3)));
        store.saveAsync(store.prepare(change(v2), v1.history())).join();
        assertEquals(v2, store.load(s).orElseThrow(), "the whole window, not the two lines the turn added alone");
    }

    @Test
    void aStateTheReleaseBeforeSavedWholeIsReadAndTheNextSaveWritesTheWindowWhole() {
        String s = session();
        String key = "capsule:session:" + s;
        // As many lines as version 2's window, so that only the whole event beside them tells the script they are stale.
        store.save(change(state(s, 1, List.of(line(10), line(11), line(12)))));
        // The release before this one, in a rolling upgrade, saves version 2 as it did: the whole event under "change".
        SessionState v2 = state(s, 2, List.of(line(0), line(1), line(2)));
        redis.execute("HSET", key, "version", "2", "change", new String(EventCodec.encode(change(v2)), StandardCharsets.UTF_8));
        assertEquals(v2, store.load(s).orElseThrow(), "the newest form at the stored version, not the head beside it");

        SessionState v3 = state(s, 3, List.of(line(0), line(1), line(2), line(3)));
        store.saveAsync(store.prepare(change(v3), v2.history())).join();
        assertNull(redis.execute("HGET", key, "change"));
        assertEquals(v3, store.load(s).orElseThrow(), "its window is whole: Redis's lines were those of version 1");
    }

    @Test
    void aStateAnOlderReleaseSavedIsReadWhileItIsTheNewestAndTheNextSaveReplacesIt() throws Exception {
        String s = session();
        String key = "capsule:session:" + s;
        store.save(change(state(s, 1)));
        // An older release, in a rolling upgrade, saves version 2 the way it did: a SessionState under "state".
        redis.execute("HSET", key, "version", "2", "state", EventCodec.mapper().writeValueAsString(state(s, 2)));
        assertEquals(2, store.load(s).orElseThrow().data().get("v").asLong(), "not the older change beside it");

        store.save(change(state(s, 3)));
        assertNull(redis.execute("HGET", key, "state"));
        assertEquals(3, store.load(s).orElseThrow().data().get("v").asLong());
    }

    private static StateChanged change(SessionState state) {
        return StateChanged.of(EventMeta.derived(state.sessionId(), null, "test/" + state.version()), state.version(), state.data(),
                state.snapshot());
    }

    private static SessionState state(String s, long version) {
        return state(s, version, List.of());
    }

    private static SessionState state(String s, long version, List<HistoryLine> window) {
        return new SessionState(s, KafkaTestClient.user("u1"), "api", CREATED, version,
                // An int, as JSON reads it back: a LongNode would not equal the IntNode of the state read from Redis.
                JsonNodeFactory.instance.objectNode().put("v", Math.toIntExact(version)), window, 0, List.of("m" + version), null, null);
    }

    private static HistoryLine line(int n) {
        return new HistoryLine("line-" + n, n % 2 == 0 ? "user" : "app", "text " + n, CREATED.plusMillis(n));
    }

    private static String sessionInSamePartitionAs(String other) {
        int target = partition(other);
        while (true) {
            String candidate = session();
            if (partition(candidate) == target) {
                return candidate;
            }
        }
    }

    /** Kafka's default partitioner for a keyed record. */
    private static int partition(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % KafkaBroker.PARTITIONS;
    }

    /** 1..n as a list of longs. */
    static final class LongRange {
        static List<Long> closed(long from, long to) {
            List<Long> all = new ArrayList<>();
            for (long i = from; i <= to; i++) {
                all.add(i);
            }
            return all;
        }
    }
}
