/**
 * Integration tests for Capsule apps: the runtime and the app's handler, in a {@code @QuarkusTest}, against a real
 * Kafka broker, Redis and PostgreSQL.
 *
 * <pre>{@code
 * @QuarkusTest
 * @QuarkusTestResource(value = CapsuleServers.class, restrictToAnnotatedClass = false)
 * class MyAppIT {
 *     @Test
 *     void answers() {
 *         try (TestChat chat = TestChat.connect()) {
 *             assertEquals(List.of("..."), chat.send("s1", "ana", "hello").replies());
 *         }
 *     }
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link dev.capsule.testkit.integration.CapsuleServers} starts the servers once per test JVM, on free
 *       ports, and points the runtime at them.</li>
 *   <li>{@link dev.capsule.testkit.integration.TestChat} plays the user as the gateway does: an inbound message on
 *       Kafka, then the turn's events as the user's chat receives them.</li>
 * </ul>
 *
 * <p>No persistence-service runs here. Collection writes go to Kafka as they do in production, but nothing folds
 * them into PostgreSQL, so a later turn's read does not see them (the test profile sets
 * {@code capsule.session.fold-wait} to 0, so it does not wait for them either). Test what the app keeps in
 * collections with {@link dev.capsule.testkit.TestSession}, whose {@link dev.capsule.testkit.TestDb} holds them,
 * or against the whole stack ({@code ./capsule up --app}).
 *
 * <p>These run the real message path, so they take seconds where the unit kit ({@link dev.capsule.testkit.TestSession})
 * takes milliseconds: a few of them prove the app is wired right, the unit tests prove what it says.
 */
package dev.capsule.testkit.integration;
