package dev.capsule.events;

/** An event could not be read: malformed JSON, an unknown type or major version, or a missing field. */
public class EventDecodingException extends RuntimeException {

    public EventDecodingException(String message) {
        super(message);
    }

    public EventDecodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
