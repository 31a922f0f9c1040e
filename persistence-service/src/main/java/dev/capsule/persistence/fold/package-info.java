/**
 * Folding the event streams into PostgreSQL's read model: a polled batch per transaction
 * ({@link dev.capsule.persistence.fold.EventConsumers}), with what each event writes
 * ({@link dev.capsule.persistence.fold.EventFolds}).
 *
 * <h2>Why set-based statements</h2>
 * The reactive PostgreSQL client has no COPY, and a batch of single-row statements still makes
 * PostgreSQL plan and run one statement per event. {@link dev.capsule.persistence.fold.SetWrites}
 * writes a poll's messages as one {@code INSERT … SELECT FROM unnest(…)} and its snapshots as
 * another, so most polls are two statements whatever their size. Together with fetches the broker
 * holds up to 100 ms (application.properties), persistence-service went from about 5 to under 2
 * thread switches per plain message, and its CPU per message about halved, on the 2-core machine
 * (docs/performance.md).
 */
package dev.capsule.persistence.fold;
