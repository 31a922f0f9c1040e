/**
 * Session state between turns: in this replica's memory while it owns the session's partition
 * ({@link dev.capsule.session.state.OwnedSessions}), in Redis for any replica
 * ({@link dev.capsule.session.state.SessionStore}), and as a snapshot in PostgreSQL, folded from
 * {@code StateChanged}, when Redis has lost it.
 *
 * <h2>Why the hand-made parts</h2>
 * Four pieces are written for speed rather than taken from a library, each measured on the 2-core
 * machine with API clients sending plain messages one after another (twenty of them, and 100 for the
 * window; docs/performance.md):
 * <ul>
 *   <li>The in-memory copy skips a Redis round trip and a parse of the whole state at the start of
 *       every turn. A cache library (Caffeine) holds the copies; what is hand-made is the rule that
 *       keeps them exact: dropped whenever partitions move, and never put back by a turn that
 *       loaded before the move.</li>
 *   <li>Saves are group-committed: the saves that queue while one pipeline is on its way to Redis
 *       leave together in the next. The Quarkus Redis client pipelines a list of commands
 *       ({@code Redis.batch}) but does not gather them across callers.</li>
 *   <li>A session's history window is kept in Redis a line a field, and a save sends the lines the turn
 *       added rather than the whole state: Redis's append-only file took 1,469 bytes per plain message
 *       instead of 3,649 (sessions of 20 messages), so its rewrites, which copy the whole data set, come
 *       2.5 times less often. Redis's own CPU per save did not move measurably.</li>
 *   <li>The sessions of a poll that this replica does not hold are looked up together
 *       ({@link dev.capsule.session.state.SessionPrefetch}): one Redis pipeline, then one
 *       PostgreSQL query for those Redis has not, instead of both round trips for each turn alone.
 *       What is hand-made is the rule that keeps an answer exact until its turn takes it. With
 *       100 API clients opening 5,000 new sessions, PostgreSQL went from 1.1 to 0.19 transactions
 *       per new session, and the stack from 1,490-1,770 to 1,040-1,150 µs of CPU per new session
 *       (session-service 460-480 to 290-340, PostgreSQL 270-430 to 180-380).</li>
 * </ul>
 * With the turn's thread no longer waiting for Kafka or Redis (turn/TurnRunner), session-service
 * went from about 11 to about 5 thread switches per plain message, and from about 1.9 to 1.2 ms
 * of CPU per message on that machine.
 */
package dev.capsule.session.state;
