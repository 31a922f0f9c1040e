/**
 * Session state between turns: in this replica's memory while it owns the session's partition
 * ({@link dev.capsule.session.state.OwnedSessions}), in Redis for any replica
 * ({@link dev.capsule.session.state.SessionStore}), and as a snapshot in PostgreSQL, folded from
 * {@code StateChanged}, when Redis has lost it.
 *
 * <h2>Why the hand-made parts</h2>
 * Two pieces are written for speed rather than taken from a library, each measured on the 2-core
 * machine with twenty API clients sending plain messages one after another (docs/performance.md):
 * <ul>
 *   <li>The in-memory copy skips a Redis round trip and a parse of the whole state at the start of
 *       every turn. A cache library (Caffeine) holds the copies; what is hand-made is the rule that
 *       keeps them exact: dropped whenever partitions move, and never put back by a turn that
 *       loaded before the move.</li>
 *   <li>Saves are group-committed: the saves that queue while one pipeline is on its way to Redis
 *       leave together in the next. The Quarkus Redis client pipelines a list of commands
 *       ({@code Redis.batch}) but does not gather them across callers.</li>
 * </ul>
 * With the turn's thread no longer waiting for Kafka or Redis (turn/TurnRunner), session-service
 * went from about 11 to about 5 thread switches per plain message, and from about 1.9 to 1.2 ms
 * of CPU per message on that machine.
 */
package dev.capsule.session.state;
