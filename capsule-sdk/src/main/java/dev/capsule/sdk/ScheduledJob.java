package dev.capsule.sdk;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * A job that has come due, as {@link CapsuleApp#onScheduled} receives it: one the app scheduled
 * with {@link Session#schedule}, or a run of a job it declared with {@link Recurring}.
 *
 * @param name      the name the app gave the job
 * @param payload   what the app attached to it (empty when nothing); a recurring job has none
 * @param dueAt     when it was due: after an outage it may run later than that, and runs once
 * @param recurring whether it is a run of a {@link Recurring} job
 */
public record ScheduledJob(String name, ObjectNode payload, Instant dueAt, boolean recurring) {

    /** The longest name a job may have. */
    public static final int MAX_NAME = 100;

    /** The largest payload a job may carry, in bytes of JSON: keep more in a collection and put its id here. */
    public static final int MAX_PAYLOAD_BYTES = 64 * 1024;

    /**
     * Checks what {@link Session#scheduleAt} is given, as every runtime (and the test kit) does when a
     * handler asks: a name of 1 to {@value #MAX_NAME} characters, a time, a payload of at most
     * {@value #MAX_PAYLOAD_BYTES} bytes of JSON (or null).
     *
     * @throws IllegalArgumentException saying what is wrong and what fits
     */
    public static void check(String name, Instant at, ObjectNode payload) {
        if (at == null) {
            throw new IllegalArgumentException("scheduleAt needs a time, not null");
        }
        if (name == null || name.isBlank() || name.length() > MAX_NAME) {
            throw new IllegalArgumentException("a job's name must be 1 to " + MAX_NAME + " characters, not "
                    + (name == null ? "null" : "'" + name + "'"));
        }
        int size = payload == null ? 0 : payload.toString().getBytes(StandardCharsets.UTF_8).length;
        if (size > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("job '" + name + "': its payload is " + size + " bytes of JSON; at most "
                    + MAX_PAYLOAD_BYTES + " fit. Keep large data in a collection and put its id in the payload.");
        }
    }

    public ScheduledJob {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(dueAt, "dueAt");
    }
}
