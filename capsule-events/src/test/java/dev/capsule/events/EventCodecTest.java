package dev.capsule.events;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EventCodecTest {

    static final TraceContext TRACE = SampleEvents.TRACE;
    static final UserRef USER = SampleEvents.USER;

    static Stream<CapsuleEvent> oneOfEachType() {
        return SampleEvents.oneOfEachType();
    }

    @Test
    void aCloseWithoutAReasonIsTheUsersAndAnUnknownReasonIsRefused() {
        String close = "{\"type\":\"inbound.close\",\"eventId\":\"e1\",\"schemaVersion\":\"1.6\",\"sessionId\":\"s1\","
                + "\"timestamp\":\"2026-01-02T03:04:05Z\",\"user\":{\"id\":\"u1\",\"ownerId\":\"u1\"}";
        InboundClose old = (InboundClose) EventCodec.decode((close + "}").getBytes(StandardCharsets.UTF_8));
        assertEquals(SessionClosed.EXPLICIT, old.reason());
        assertTrue(!old.idle());
        EventDecodingException refused = org.junit.jupiter.api.Assertions.assertThrows(EventDecodingException.class,
                () -> EventCodec.decode((close + ",\"reason\":\"bored\"}").getBytes(StandardCharsets.UTF_8)));
        assertTrue(refused.getMessage().contains("reason must be"), refused.getMessage());
    }

    static EventMeta meta() {
        return SampleEvents.meta();
    }

    @ParameterizedTest
    @MethodSource("oneOfEachType")
    void everyEventRoundTripsThroughJson(CapsuleEvent event) {
        byte[] json = EventCodec.encode(event);
        assertEquals(event, EventCodec.decode(json));
        String text = new String(json, StandardCharsets.UTF_8);
        assertTrue(text.contains("\"type\":\"" + event.type() + "\""), text);
        assertTrue(text.contains("\"schemaVersion\":\"" + SchemaVersion.CURRENT + "\""), text);
    }

    @Test
    void everyEventTypeOfTheContractIsCoveredByTheRoundTrip() {
        Set<Class<?>> covered = new HashSet<>();
        oneOfEachType().forEach(e -> covered.add(e.getClass()));
        assertEquals(SampleEvents.declaredTypes(), covered);
    }

    @Test
    void anUnknownMajorVersionIsRejectedNamingTheVersion() {
        String json = EventCodec.encodeToString(Reply.of(meta(), "in-1", 1, "web", null, "hi"))
                .replace("\"schemaVersion\":\"" + SchemaVersion.CURRENT + "\"", "\"schemaVersion\":\"2.0\"");
        EventDecodingException e = assertThrows(EventDecodingException.class, () -> EventCodec.decode(json));
        assertTrue(e.getMessage().contains("unsupported schemaVersion 2.0"), e.getMessage());
    }

    @Test
    void aNewerMinorVersionWithAnAddedFieldIsRead() {
        Reply reply = Reply.of(meta(), "in-1", 1, "web", null, "hi");
        String json = EventCodec.encodeToString(reply)
                .replace("\"schemaVersion\":\"" + SchemaVersion.CURRENT + "\"", "\"schemaVersion\":\"1.7\",\"addedLater\":true");
        Reply read = EventCodec.decode(json.getBytes(StandardCharsets.UTF_8), Reply.class);
        assertEquals(reply.text(), read.text());
        assertEquals("1.7", read.schemaVersion());
    }

    @Test
    void aStateChangedOfVersion10WithoutSnapshotIsStillRead() {
        String json = "{\"type\":\"state.changed\",\"schemaVersion\":\"1.0\",\"eventId\":\"e\",\"sessionId\":\"s\","
                + "\"timestamp\":\"2026-01-01T00:00:00Z\",\"version\":2,\"data\":{\"turns\":2}}";
        StateChanged read = EventCodec.decode(json.getBytes(StandardCharsets.UTF_8), StateChanged.class);
        assertEquals(2, read.data().get("turns").asInt());
        assertEquals(null, read.snapshot());
    }

    @Test
    void anInboundMessageOfVersion14WithoutActionIsStillReadAsTypedText() {
        String json = "{\"type\":\"inbound.message\",\"schemaVersion\":\"1.4\",\"eventId\":\"e\",\"sessionId\":\"s\","
                + "\"timestamp\":\"2026-01-01T00:00:00Z\",\"trace\":null,\"user\":{\"id\":\"u1\",\"email\":null,\"ownerId\":\"u1\"},"
                + "\"channel\":\"web\",\"text\":\"done\",\"route\":null}";
        InboundMessage read = EventCodec.decode(json.getBytes(StandardCharsets.UTF_8), InboundMessage.class);
        assertNull(read.action());
        assertEquals("done", read.text());
        assertEquals("done", read.shownText());
    }

    @Test
    void aPressCarriesItsActionAndItsValueAsTextWhichIsWhatAReaderThatPredatesActionSees() {
        InboundMessage press = InboundMessage.pressed(meta(), USER, "web", new InboundMessage.Action("done", "Mark done"), null);
        String json = EventCodec.encodeToString(press);
        assertTrue(json.contains("\"action\":{\"value\":\"done\",\"label\":\"Mark done\"}"), json);
        assertEquals("Mark done", EventCodec.decode(json.getBytes(StandardCharsets.UTF_8), InboundMessage.class).shownText());

        InboundMessage14 old = assertDoesNotThrow(() -> EventCodec.mapper().readValue(json, InboundMessage14.class));
        assertEquals("done", old.text(), "an older reader ignores action and gets the button's value, as before 1.5");
        assertEquals("s-1", old.sessionId());
    }

    @Test
    void anActionWithoutALabelIsLabelledByItsValueAndOneWithoutAValueIsRefused() {
        assertEquals("done", new InboundMessage.Action("done", null).label());
        String json = EventCodec.encodeToString(InboundMessage.pressed(meta(), USER, "web", new InboundMessage.Action("done", "Mark done"), null))
                .replace("\"value\":\"done\"", "\"value\":\"\"");
        EventDecodingException e = assertThrows(EventDecodingException.class, () -> EventCodec.decode(json));
        assertTrue(e.getMessage().contains("action.value is required"), e.getMessage());
    }

    /** InboundMessage as schema 1.4 declared it: what a reader built before {@code action} decodes into. */
    record InboundMessage14(String eventId, String schemaVersion, String sessionId, java.time.Instant timestamp,
                            TraceContext trace, UserRef user, String channel, String text, String route) {
    }

    @Test
    void malformedJsonIsRejectedAsMalformed() {
        EventDecodingException e = assertThrows(EventDecodingException.class,
                () -> EventCodec.decode("{\"type\":\"reply\", oops"));
        assertTrue(e.getMessage().startsWith("malformed JSON"), e.getMessage());
    }

    @Test
    void otherBadInputIsRejectedNamingTheProblem() {
        List<String[]> cases = List.of(
                new String[] {"", "empty event"},
                new String[] {"[1,2]", "must be a JSON object"},
                new String[] {"null", "must be a JSON object"},
                new String[] {"{\"type\":\"reply\"}", "schemaVersion is missing"},
                // A version written as a number: the straight read would take it as text, the tree does not.
                new String[] {EventCodec.encodeToString(Reply.of(meta(), "in-1", 1, "web", null, "hi"))
                        .replace("\"schemaVersion\":\"" + SchemaVersion.CURRENT + "\"", "\"schemaVersion\":1.9"),
                        "schemaVersion is missing"},
                new String[] {"{\"type\":\"reply\",\"schemaVersion\":\"x\"}", "not of the form MAJOR.MINOR"},
                new String[] {"{\"schemaVersion\":\"1.0\"}", "type is missing"},
                new String[] {"{\"type\":\"teleport\",\"schemaVersion\":\"1.0\"}", "unknown event type 'teleport'"},
                new String[] {"{\"type\":\"reply\",\"schemaVersion\":\"1.0\",\"eventId\":\"e\",\"timestamp\":\"2026-01-01T00:00:00Z\","
                        + "\"inReplyTo\":\"i\",\"channel\":\"web\",\"text\":\"t\"}", "sessionId is required"},
                new String[] {"{\"type\":\"reply\",\"schemaVersion\":\"1.0\",\"eventId\":\"e\",\"sessionId\":\"s\",\"timestamp\":\"yesterday\"}",
                        "invalid reply event"});
        for (String[] c : cases) {
            EventDecodingException e = assertThrows(EventDecodingException.class, () -> EventCodec.decode(c[0]), c[0]);
            assertTrue(e.getMessage().contains(c[1]), "for " + c[0] + " got: " + e.getMessage());
        }
    }

    @Test
    void instantsInFormsOtherThanCapsulesAreReadAsJacksonReadsThem() {
        Reply reply = Reply.of(meta(), "in-1", 1, "web", null, "hi");
        String written = EventCodec.encodeToString(reply);
        String instant = "\"" + reply.timestamp() + "\"";
        assertTrue(written.contains(instant), written);
        for (String[] form : List.of(
                new String[] {"\"2026-11-30T17:08:15.5+01:00\"", "2026-11-30T16:08:15.500Z"},
                new String[] {"1796058495.5", "2026-11-30T17:08:15.500Z"},
                new String[] {"\"2026-11-30t16:08:15Z\"", "2026-11-30T16:08:15Z"})) {
            Reply read = EventCodec.decode(written.replace(instant, form[0]).getBytes(StandardCharsets.UTF_8), Reply.class);
            assertEquals(java.time.Instant.parse(form[1]), read.timestamp(), form[0]);
        }
        EventDecodingException e = assertThrows(EventDecodingException.class,
                () -> EventCodec.decode(written.replace(instant, "\"2026-13-30T16:08:15Z\"")));
        assertTrue(e.getMessage().startsWith("invalid reply event"), e.getMessage());
    }

    @Test
    void decodingAsTheWrongTypeSaysWhatCame() {
        byte[] json = EventCodec.encode(Notify.of(meta(), "in-1", 1, "web", null, "typing"));
        EventDecodingException e = assertThrows(EventDecodingException.class, () -> EventCodec.decode(json, Reply.class));
        assertTrue(e.getMessage().contains("got 'notify'"), e.getMessage());
    }
}
