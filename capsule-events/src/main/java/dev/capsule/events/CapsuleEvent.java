package dev.capsule.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;

/**
 * One event of Capsule's contract. Every event names its {@code type} and
 * {@code schemaVersion}, has a unique {@code eventId} (the idempotency key of every fold),
 * the {@code sessionId} that is also its Kafka key, a {@code timestamp} and the trace context.
 *
 * <p>Changes to the contract are additive: a new field or a new event type is a new minor
 * version; anything else is a new major version, which readers refuse.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(InboundMessage.class),
        @JsonSubTypes.Type(Reply.class),
        @JsonSubTypes.Type(Notify.class),
        @JsonSubTypes.Type(StreamChunk.class),
        @JsonSubTypes.Type(StreamEnd.class),
        @JsonSubTypes.Type(Show.class),
        @JsonSubTypes.Type(TurnEnded.class),
        @JsonSubTypes.Type(TurnFailed.class),
        @JsonSubTypes.Type(SessionOpened.class),
        @JsonSubTypes.Type(SessionClosed.class),
        @JsonSubTypes.Type(StateChanged.class),
        @JsonSubTypes.Type(DocumentChanged.class),
        @JsonSubTypes.Type(ProactiveMessage.class),
        @JsonSubTypes.Type(InboundCancel.class),
        @JsonSubTypes.Type(InboundClose.class),
        @JsonSubTypes.Type(InboundDue.class),
        @JsonSubTypes.Type(InboundConnected.class),
        @JsonSubTypes.Type(InboundLinked.class)
})
public sealed interface CapsuleEvent
        permits InboundMessage, OutboundEvent, SessionOpened, SessionClosed, StateChanged, DocumentChanged,
        ProactiveMessage, InboundCancel, InboundClose, InboundDue, InboundConnected, InboundLinked {

    /** Unique id of this event; folds use it as their idempotency key. */
    String eventId();

    /** The schema version this event was written with, {@code MAJOR.MINOR}. */
    String schemaVersion();

    /** The conversation this event belongs to; also the Kafka record key. */
    String sessionId();

    /** When the event was created. */
    Instant timestamp();

    /** The trace this event belongs to. */
    TraceContext trace();

    /** The event's type name as written in JSON, e.g. {@code "reply"}. */
    @JsonIgnore
    default String type() {
        return getClass().getAnnotation(JsonTypeName.class).value();
    }
}
