package dev.capsule.sdk;

import com.fasterxml.jackson.databind.node.ObjectNode;
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

    public ScheduledJob {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(dueAt, "dueAt");
    }
}
