/**
 * Unit tests for Capsule apps, without Kafka, Redis or PostgreSQL.
 *
 * <p>An app is a handler of messages: what it does is what it says back, in which order, what it
 * keeps in the session data and in the owner's collections. This package gives a test each of
 * those in memory, with the runtime's rules, so that a test states them plainly:
 *
 * <pre>{@code
 * TestSession session = TestSession.of("s1").user("ana");
 *
 * session.send(app, "/remember buy milk");
 * List<TurnEvent> turn = session.send(app, "/notes");
 *
 * assertEquals(List.of(new TurnEvent.Reply("Your notes:\n- buy milk")), turn);
 * }</pre>
 *
 * <ul>
 *   <li>{@link dev.capsule.testkit.TestSession} is the session: it delivers messages to an app as
 *       the runtime does (enter once, the current session set, streams awaited, a failed turn's
 *       data rolled back) and records every answer.</li>
 *   <li>{@link dev.capsule.testkit.TurnEvent} and {@link dev.capsule.testkit.RecordedStream} are
 *       what it records; {@link dev.capsule.testkit.TurnFailedException} is how a failed turn
 *       reaches the test.</li>
 *   <li>{@link dev.capsule.testkit.TestDb} holds the collections of every owner, with the
 *       runtime's versions, conflicts, size limit and query semantics; sessions that share one
 *       see their own owner's documents only.</li>
 * </ul>
 *
 * These classes use the SDK alone: no Quarkus, no CDI. An app under test is constructed with
 * {@code new}, its collaborators passed in by hand. To run the app on the real message path instead,
 * see {@link dev.capsule.testkit.integration}.
 */
package dev.capsule.testkit;
