package dev.capsule.bench.capsule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.bench.load.MessageKind;
import dev.capsule.bench.load.Planned;
import dev.capsule.events.EventMeta;
import dev.capsule.events.OutboundEvent;
import dev.capsule.events.Reply;
import dev.capsule.events.StreamChunk;
import dev.capsule.events.StreamEnd;
import dev.capsule.events.TraceContext;
import dev.capsule.events.TurnEnded;
import org.junit.jupiter.api.Test;

class SessionLedgerTest {

    private final StepMetrics metrics = new StepMetrics();
    private final SessionLedger chat = new SessionLedger("s", Transport.WS, metrics);
    private final SentMessage first = message(chat, 1);
    private final SentMessage second = message(chat, 2);

    @Test
    void turnsAnsweredInOrderCountNothing() {
        deliver(reply("t1", 1, "#1: hello 0.1"), turnEnded("t1", 2), reply("t2", 3, "#2: hello 0.2"), turnEnded("t2", 4));
        assertEquals(0, metrics.outOfOrder.get() + metrics.duplicated.get() + chat.seqHoles());
        assertEquals(2, metrics.answered.get());
    }

    @Test
    void anEventSeenTwiceIsADuplicate() {
        deliver(reply("t1", 1, "#1: hello 0.1"), reply("t1", 1, "#1: hello 0.1"), turnEnded("t1", 2));
        assertEquals(1, metrics.duplicated.get());
    }

    @Test
    void aSeqBehindTheLastIsOutOfOrderOnAChatSocket() {
        deliver(reply("t1", 2, "#1: hello 0.1"), turnEnded("t1", 1));
        assertEquals(1, metrics.outOfOrder.get());
    }

    @Test
    void aReplyNamingAnotherTurnIsOutOfOrder() {
        deliver(reply("t1", 1, "#2: hello 0.1"), turnEnded("t1", 2));
        assertEquals(1, metrics.outOfOrder.get());
    }

    @Test
    void aHoleInTheSeqsOfFinishedTurnsIsALoss() {
        deliver(reply("t1", 1, "#1: hello 0.1"), turnEnded("t1", 2), reply("t2", 4, "#2: hello 0.2"), turnEnded("t2", 5));
        assertEquals(1, chat.seqHoles());
    }

    @Test
    void overHttpTurnsMayArriveOnTheirResponsesInEitherOrderButTheirSeqsMustNotOverlap() {
        StepMetrics httpMetrics = new StepMetrics();
        SessionLedger http = new SessionLedger("h", Transport.HTTP, httpMetrics);
        SentMessage one = message(http, 1);
        SentMessage two = message(http, 2);
        http.onEvent(reply("t2", 3, "#2: hello 0.2"), 1, two);
        http.onEvent(reply("t1", 1, "#1: hello 0.1"), 2, one);
        http.onEvent(turnEnded("t1", 2), 3, one);
        http.onEvent(turnEnded("t2", 4), 4, two);
        assertEquals(0, httpMetrics.outOfOrder.get());
        assertEquals(0, http.misorderedTurns());
    }

    @Test
    void aLongStreamWhoseChunksAddUpToItsWholeAnswerIsWhole() {
        SessionLedger ledger = new SessionLedger("s", Transport.WS, metrics);
        SentMessage m = longStream(ledger);
        String all = words(300);
        int half = all.indexOf(" token151");
        ledger.onEvent(chunk("t1", 1, 0, all.substring(0, half)), 10, null);
        ledger.onEvent(chunk("t1", 2, 1, all.substring(half)), 20, null);
        ledger.onEvent(streamEnd("t1", 3, 2, all, false), 30, null);
        ledger.onEvent(turnEnded("t1", 4), 40, null);
        assertEquals(0, metrics.outOfOrder.get() + metrics.duplicated.get() + ledger.seqHoles(), metrics.anomalies.toString());
        assertTrue(m.whole);
        assertEquals(1, metrics.chunkGap.summary().count(), "one gap between two chunks");
    }

    @Test
    void aLongStreamCutShortIsNotWhole() {
        SessionLedger ledger = new SessionLedger("s", Transport.WS, metrics);
        SentMessage m = longStream(ledger);
        String some = words(120);
        ledger.onEvent(chunk("t1", 1, 0, some), 10, null);
        ledger.onEvent(streamEnd("t1", 2, 1, some, true), 20, null);
        ledger.onEvent(turnEnded("t1", 3), 30, null);
        assertFalse(m.whole);
        assertEquals(1, metrics.outOfOrder.get(), "an end that holds 120 of 300 words does not match what was asked");
    }

    @Test
    void aLongStreamWhoseChunksDoNotAddUpToItsEndIsNotWhole() {
        SessionLedger ledger = new SessionLedger("s", Transport.WS, metrics);
        SentMessage m = longStream(ledger);
        ledger.onEvent(chunk("t1", 1, 0, "token1 token3"), 10, null);
        ledger.onEvent(streamEnd("t1", 2, 1, words(300), false), 20, null);
        ledger.onEvent(turnEnded("t1", 3), 30, null);
        assertFalse(m.whole);
        assertEquals(1, metrics.outOfOrder.get());
    }

    @Test
    void aLongStreamWithAChunkMissingIsALossAndNotWhole() {
        SessionLedger ledger = new SessionLedger("s", Transport.WS, metrics);
        SentMessage m = longStream(ledger);
        String all = words(300);
        ledger.onEvent(chunk("t1", 1, 0, all.substring(0, 20)), 10, null);
        ledger.onEvent(streamEnd("t1", 3, 2, all, false), 30, null);
        ledger.onEvent(turnEnded("t1", 4), 40, null);
        assertFalse(m.whole);
        assertEquals(1, ledger.seqHoles());
    }

    private static SentMessage longStream(SessionLedger ledger) {
        SentMessage m = new SentMessage(ledger, new Planned(0, 0, 1, MessageKind.LONG_STREAM,
                MessageKind.LONG_STREAM.text(0, 1)), false);
        ledger.messages.add(m);
        return m;
    }

    private static String words(int n) {
        return java.util.stream.IntStream.rangeClosed(1, n).mapToObj(i -> "token" + i)
                .collect(java.util.stream.Collectors.joining(" "));
    }

    private static StreamChunk chunk(String turn, long seq, int index, String text) {
        return StreamChunk.of(EventMeta.next("s", TraceContext.NONE), turn, seq, "web", null, "st", index, text);
    }

    private static StreamEnd streamEnd(String turn, long seq, int chunks, String text, boolean cancelled) {
        return StreamEnd.of(EventMeta.next("s", TraceContext.NONE), turn, seq, "web", null, "st", chunks, text, cancelled);
    }

    private void deliver(OutboundEvent... events) {
        long now = 1;
        for (OutboundEvent e : events) {
            chat.onEvent(e, now++, null);
        }
    }

    private static SentMessage message(SessionLedger ledger, int position) {
        SentMessage m = new SentMessage(ledger, new Planned(position, 0, position, MessageKind.PLAIN, "hello 0." + position), false);
        ledger.messages.add(m);
        return m;
    }

    private static Reply reply(String turn, long seq, String text) {
        return Reply.of(EventMeta.next("s", TraceContext.NONE), turn, seq, "web", null, text);
    }

    private static TurnEnded turnEnded(String turn, long seq) {
        return TurnEnded.of(EventMeta.next("s", TraceContext.NONE), turn, seq, "web", null, 1);
    }
}
