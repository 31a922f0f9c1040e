package dev.capsule.gateway.delivery;

import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.capsule.events.EventCodec;
import dev.capsule.events.EventDecodingException;
import dev.capsule.events.OutboundEvent;
import dev.capsule.events.Topics;
import dev.capsule.events.TurnEnded;
import dev.capsule.events.TurnFailed;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * One outbound event as a gateway passes it on: what routing and ordering need, read from the
 * record's key and headers, and the event's JSON exactly as session-service wrote it. The gateway
 * forwards those bytes to the socket, the server-sent event or the JSON answer instead of decoding
 * each event into objects and encoding it again; a field a newer producer adds reaches the user too.
 *
 * @param sessionId the session, the record's key
 * @param inReplyTo the message whose turn made the event
 * @param seq       the event's place among its session's outbound events
 * @param type      the event's type, as in its JSON
 * @param json      the event, one JSON object
 */
public record OutboundFrame(String sessionId, String inReplyTo, long seq, String type, String json) {

    private static final String TURN_ENDED = TurnEnded.class.getAnnotation(JsonTypeName.class).value();
    private static final String TURN_FAILED = TurnFailed.class.getAnnotation(JsonTypeName.class).value();

    /** Whether this is its turn's last event. */
    public boolean endsTurn() {
        return TURN_ENDED.equals(type) || TURN_FAILED.equals(type);
    }

    /**
     * The frame of an outbound record: from its key and headers when its producer set them
     * ({@link Topics#SEQ_HEADER}), else by decoding it (a record written before they were).
     *
     * @throws EventDecodingException when the record must be decoded and cannot be
     */
    public static OutboundFrame of(ConsumerRecord<String, byte[]> record) {
        String type = header(record, Topics.TYPE_HEADER);
        String seq = header(record, Topics.SEQ_HEADER);
        String inReplyTo = header(record, Topics.IN_REPLY_TO_HEADER);
        if (record.key() == null || type == null || seq == null || inReplyTo == null) {
            return of(EventCodec.decode(record.value(), OutboundEvent.class));
        }
        try {
            return new OutboundFrame(record.key(), inReplyTo, Long.parseLong(seq), type, new String(record.value(), StandardCharsets.UTF_8));
        } catch (NumberFormatException e) {
            throw new EventDecodingException("the " + Topics.SEQ_HEADER + " header '" + seq + "' is not a number");
        }
    }

    /** The frame of an event the gateway holds as an object. */
    public static OutboundFrame of(OutboundEvent event) {
        return new OutboundFrame(event.sessionId(), event.inReplyTo(), event.seq(), event.type(), EventCodec.encodeToString(event));
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
