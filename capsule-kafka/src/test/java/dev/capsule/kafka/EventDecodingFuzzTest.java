package dev.capsule.kafka;

import dev.capsule.events.CapsuleEvent;
import dev.capsule.events.EventCodec;
import dev.capsule.events.EventDecodingException;
import dev.capsule.events.SampleEvents;
import dev.capsule.testing.Fuzz;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Fuzzes event decoding, which every consumer runs on whatever a topic holds: for any bytes, {@link EventCodec#decode}
 * answers an event or throws {@link EventDecodingException}, the one failure the consumers set aside (a dead letter, a
 * log line) and go on from. Any other exception would be a poison record that stops a partition. The inputs: each
 * event type of the contract changed in one place (see {@link Fuzz#bodies}) or given another type's name, random JSON
 * and random bytes. jqwik prints the count and the seed; a failure is replayed with {@code @Property(seed = "…")}.
 */
class EventDecodingFuzzTest {

    private static final List<String> SAMPLES = SampleEvents.oneOfEachType().map(EventCodec::encodeToString).toList();
    private static final List<String> TYPES = SampleEvents.oneOfEachType().map(CapsuleEvent::type).distinct().toList();

    @Property(tries = 40_000)
    void anyBytesDecodeToAnEventOrAnEventDecodingException(@ForAll("records") byte[] record) {
        try {
            EventCodec.decode(record);
        } catch (EventDecodingException expected) {
            // The one refusal the consumers handle.
        }
    }

    @Provide
    Arbitrary<byte[]> records() {
        // A type header that lies: the body of one event under another's name, its fields missing or unknown.
        Arbitrary<byte[]> retyped = Combinators.combine(Arbitraries.of(SAMPLES), Arbitraries.of(TYPES))
                .as((sample, type) -> sample.replaceFirst("\"type\":\"[^\"]*\"", "\"type\":\"" + type + "\"")
                        .getBytes(StandardCharsets.UTF_8));
        return Arbitraries.frequencyOf(Tuple.of(4, Fuzz.bodies(SAMPLES)), Tuple.of(1, retyped));
    }
}
