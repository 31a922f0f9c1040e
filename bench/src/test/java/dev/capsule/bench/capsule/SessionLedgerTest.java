package dev.capsule.bench.capsule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capsule.bench.load.MessageKind;
import dev.capsule.bench.load.Planned;
import dev.capsule.events.EventMeta;
import dev.capsule.events.OutboundEvent;
import dev.capsule.events.Reply;
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
