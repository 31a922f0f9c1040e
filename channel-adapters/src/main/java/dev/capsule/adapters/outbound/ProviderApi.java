package dev.capsule.adapters.outbound;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a provider can do with an outbound event, in its own API. Every method blocks (it runs
 * on a chat's virtual thread) and throws {@link DeliveryException} when the call did not
 * succeed after the tries {@link ProviderHttp} allows.
 */
public interface ProviderApi {

    /** Sends a new text message; returns the provider's id of it. Not idempotent: never called twice for one event. */
    String send(Target target, String text);

    /** Whether sent messages can be edited in place (streams shown growing). */
    boolean canEdit();

    /** Replaces the text of a sent message; idempotent (it carries the whole text). */
    void edit(Target target, String messageId, String text);

    /** The longest text one message may hold. */
    int maxTextLength();

    /** Shows a status the provider's way (typing…); idempotent, and nothing is kept. */
    void typing(Target target, String status);

    /**
     * Renders a block ({@code kind} plus content, as the {@code show} event carries it) natively
     * where the provider can, else its {@code fallbackText}; returns the message id.
     */
    String show(Target target, ObjectNode block);
}
