package dev.capsule.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Reads and writes events as JSON. Reading refuses another major version before it names any other
 * problem, and every failure is an {@link EventDecodingException} whose message names the problem.
 * Unknown fields are ignored: that is what lets a newer minor version add them.
 *
 * <p>An event is read straight into its record first, and its major version checked there; only an event that
 * this fails for is read again as a tree, checked field by field, to name what is wrong. The tree first, for every
 * event, was the slower way for the events that are well formed, which are nearly all. Instants are read and
 * written by {@link UtcInstants}.
 */
public final class EventCodec {

    /**
     * Its buffers in one pool for every thread. Jackson's default keeps them per thread, and session-service writes a
     * turn's events on the turn's own virtual thread, a new one per turn: each event then took fresh buffers (22.7 kB
     * allocated per event written, 4.4 kB with the pool), a fifth of all that session-service allocated under load
     * (EventCodecBuffersTest).
     */
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build())
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            // After JavaTimeModule, so that instants go through UtcInstants, which hands it what it does not handle.
            .registerModule(new SimpleModule("capsule-instants")
                    .addDeserializer(Instant.class, new UtcInstants.Reader())
                    .addSerializer(Instant.class, new UtcInstants.Writer()));
    private static final ObjectReader EVENTS = MAPPER.readerFor(CapsuleEvent.class);
    /**
     * How every writer that puts no space in its JSON, this codec included, writes a textual version. The straight
     * read would take a number there as its text; the tree refuses it, so an event without this goes by the tree.
     */
    private static final byte[] TEXTUAL_VERSION = "\"schemaVersion\":\"".getBytes(StandardCharsets.UTF_8);

    private EventCodec() {
    }

    /** The mapper events are written with, for code that builds event payloads such as blocks. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] encode(CapsuleEvent event) {
        try {
            return MAPPER.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write event " + event.type() + " " + event.eventId(), e);
        }
    }

    public static String encodeToString(CapsuleEvent event) {
        try {
            return MAPPER.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write event " + event.type() + " " + event.eventId(), e);
        }
    }

    /** Reads an event of any type. */
    public static CapsuleEvent decode(byte[] json) {
        if (json == null || json.length == 0) {
            throw new EventDecodingException("empty event: expected a JSON object");
        }
        CapsuleEvent read = readStraight(json);
        if (read != null) {
            return read;
        }
        JsonNode tree;
        try {
            tree = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new EventDecodingException("malformed JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new EventDecodingException("unreadable event: " + e.getMessage(), e);
        }
        return fromTree(tree);
    }

    public static CapsuleEvent decode(String json) {
        return decode(json == null ? null : json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Reads an event that must be of the given type. */
    public static <T extends CapsuleEvent> T decode(byte[] json, Class<T> type) {
        CapsuleEvent event = decode(json);
        if (!type.isInstance(event)) {
            throw new EventDecodingException("expected a " + type.getSimpleName() + " event but got '" + event.type() + "'");
        }
        return type.cast(event);
    }

    /**
     * The event {@code json} holds, read straight into its record, when it is well formed and of this major version;
     * null for anything else, which {@link #decode(byte[])} then reads as a tree to say what is wrong.
     */
    private static CapsuleEvent readStraight(byte[] json) {
        CapsuleEvent event;
        try {
            event = EVENTS.readValue(json);
        } catch (IOException | RuntimeException e) {
            return null; // read again as a tree, which names the problem
        }
        if (event == null) {
            return null; // the JSON null: the tree says an event is an object
        }
        String version = event.schemaVersion();
        if (version == null || !majorIsOurs(version) || !contains(json, TEXTUAL_VERSION)) {
            return null;
        }
        return event;
    }

    private static boolean majorIsOurs(String version) {
        try {
            return SchemaVersion.majorOf(version) == SchemaVersion.MAJOR;
        } catch (EventDecodingException e) {
            return false; // the tree names the malformed version
        }
    }

    private static boolean contains(byte[] json, byte[] part) {
        outer:
        for (int i = 0; i <= json.length - part.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (json[i + j] != part[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static CapsuleEvent fromTree(JsonNode tree) {
        if (tree == null || !tree.isObject()) {
            throw new EventDecodingException("an event must be a JSON object");
        }
        JsonNode version = tree.get("schemaVersion");
        if (version == null || !version.isTextual()) {
            throw new EventDecodingException("schemaVersion is missing: expected \"" + SchemaVersion.CURRENT + "\"");
        }
        int major = SchemaVersion.majorOf(version.asText());
        if (major != SchemaVersion.MAJOR) {
            throw new EventDecodingException("unsupported schemaVersion " + version.asText()
                    + ": this reader understands major version " + SchemaVersion.MAJOR);
        }
        if (!tree.hasNonNull("type")) {
            throw new EventDecodingException("type is missing");
        }
        try {
            return MAPPER.treeToValue(tree, CapsuleEvent.class);
        } catch (InvalidTypeIdException e) {
            throw new EventDecodingException("unknown event type '" + tree.get("type").asText() + "'", e);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new EventDecodingException("invalid " + tree.get("type").asText() + " event: " + cause.getMessage(), e);
        } catch (JsonProcessingException e) {
            throw new EventDecodingException("invalid " + tree.get("type").asText() + " event: " + e.getOriginalMessage(), e);
        }
    }
}
