package dev.capsule.events;

/**
 * An event on its way back to the user: produced by session-service during a turn and
 * delivered by the gateway or a channel adapter.
 */
public sealed interface OutboundEvent extends CapsuleEvent
        permits Reply, Notify, StreamChunk, StreamEnd, Show, TurnEnded, TurnFailed {

    /** The {@code eventId} of the inbound message whose turn produced this event. */
    String inReplyTo();

    /** Position of this event among all outbound events of its session, from 1, without gaps. */
    long seq();

    /** The channel the session lives on: {@code web}, {@code api}, or a named channel resource. */
    String channel();

    /**
     * The inbound message's delivery route, copied (see {@link InboundMessage#route()}): the provider
     * target a channel adapter delivers to; null for web and API, whose gateways need none.
     */
    String route();
}
