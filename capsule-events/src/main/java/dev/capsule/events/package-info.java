/**
 * Capsule's event contract: one versioned record per event type ({@link dev.capsule.events.CapsuleEvent}), the topics
 * they travel on ({@link dev.capsule.events.Topics}), and their JSON ({@link dev.capsule.events.EventCodec}), which
 * every service and outside consumers (kcat) read. Changes are additive: a new field or type is a new minor version.
 *
 * <h2>Why the hand-made parts</h2>
 * Every service reads and writes every event it touches through {@link dev.capsule.events.EventCodec}, and a turn's
 * {@code StateChanged} carries the session's history window (about 6 kB at 20 lines), so two pieces are written for
 * speed rather than left to Jackson, each measured on the 2-core machine (docs/performance.md, 2026-11-30 evening):
 * <ul>
 *   <li>An event is read straight into its record; only one that does not read cleanly that way is read again as a
 *       tree of JSON nodes, which names the problem as it always did. What is hand-made is the rule for which events
 *       the straight read may answer: of this major version, with the version written as text.</li>
 *   <li>{@link dev.capsule.events.UtcInstants} reads and writes instants in {@code Instant.toString()}'s form by
 *       hand, and leaves every other form to Jackson's reader and writer. Jackson's go through
 *       {@code DateTimeFormatter}: 40% of the time to write a 6 kB {@code StateChanged}, more than half of the time
 *       to read it. With both, that event decodes in 12-20 µs against 38-64 and encodes in 10-17 against 14-23, and
 *       persistence-service, which decodes every event, went from 100-132 to 81-100 µs of CPU per plain message.</li>
 * </ul>
 */
package dev.capsule.events;
