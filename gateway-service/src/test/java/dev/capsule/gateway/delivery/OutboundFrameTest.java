package dev.capsule.gateway.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.events.EventCodec;
import dev.capsule.events.EventDecodingException;
import dev.capsule.events.EventMeta;
import dev.capsule.events.Reply;
import dev.capsule.events.TraceContext;
import dev.capsule.events.Topics;
import dev.capsule.events.TurnEnded;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** A gateway routes an outbound record by its key and headers and forwards its bytes; a record without the headers is decoded. */
class OutboundFrameTest {

    static final Reply REPLY = Reply.of(EventMeta.next("s1", TraceContext.NONE), "m1", 7, "web", null, "hello");

    @Test
    void aRecordWithTheHeadersIsForwardedAsItsProducerWroteIt() {
        // A field this gateway does not know (a newer producer's) reaches the user too.
        String written = EventCodec.encodeToString(REPLY).replaceFirst("\\}$", ",\"addedLater\":1}");
        ConsumerRecord<String, byte[]> record = record(written);
        record.headers().add(Topics.TYPE_HEADER, bytes("reply"));
        record.headers().add(Topics.SEQ_HEADER, bytes("7"));
        record.headers().add(Topics.IN_REPLY_TO_HEADER, bytes("m1"));

        OutboundFrame frame = OutboundFrame.of(record);
        assertEquals(new OutboundFrame("s1", "m1", 7, "reply", written), frame);
        assertFalse(frame.endsTurn());
    }

    @Test
    void aRecordWithoutTheHeadersIsDecoded() {
        OutboundFrame frame = OutboundFrame.of(record(EventCodec.encodeToString(REPLY)));
        assertEquals("m1", frame.inReplyTo());
        assertEquals(7, frame.seq());
        assertEquals("reply", frame.type());
        assertEquals("hello", EventCodec.decode(frame.json().getBytes(StandardCharsets.UTF_8), Reply.class).text());
    }

    @Test
    void aTurnsLastEventEndsIt() {
        assertTrue(OutboundFrame.of(TurnEnded.of(EventMeta.next("s1", TraceContext.NONE), "m1", 8, "web", null, 1)).endsTurn());
    }

    @Test
    void aSeqHeaderThatIsNoNumberIsRefused() {
        ConsumerRecord<String, byte[]> record = record(EventCodec.encodeToString(REPLY));
        record.headers().add(Topics.TYPE_HEADER, bytes("reply"));
        record.headers().add(Topics.SEQ_HEADER, bytes("seven"));
        record.headers().add(Topics.IN_REPLY_TO_HEADER, bytes("m1"));
        assertThrows(EventDecodingException.class, () -> OutboundFrame.of(record));
    }

    private static ConsumerRecord<String, byte[]> record(String json) {
        return new ConsumerRecord<>(Topics.OUTBOUND, 0, 0L, "s1", json.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
