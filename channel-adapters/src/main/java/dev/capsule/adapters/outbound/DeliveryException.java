package dev.capsule.adapters.outbound;

/**
 * A delivery that did not happen, or may or may not have: the event goes to the dead-letter
 * topic with {@link #getMessage()} as the reason.
 */
public class DeliveryException extends RuntimeException {

    private final boolean ambiguous;

    private DeliveryException(String reason, boolean ambiguous, Throwable cause) {
        super(reason, cause);
        this.ambiguous = ambiguous;
    }

    /** The provider refused, or kept failing until the last try: nothing reached the user. */
    public static DeliveryException failed(String reason) {
        return new DeliveryException(reason, false, null);
    }

    /**
     * The request left but no answer came back (a timeout, a reset connection): the provider may
     * have delivered it. A send that is not idempotent is not tried again, so the user never gets
     * it twice; the event is dead-lettered with this reason for someone to look at.
     */
    public static DeliveryException ambiguous(String reason, Throwable cause) {
        return new DeliveryException(reason, true, cause);
    }

    public boolean isAmbiguous() {
        return ambiguous;
    }
}
