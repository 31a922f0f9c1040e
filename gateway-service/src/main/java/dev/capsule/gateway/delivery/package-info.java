/**
 * Outbound events on their way to the user on this replica: the live feed
 * ({@link dev.capsule.gateway.delivery.OutboundFeed}), who waits for what
 * ({@link dev.capsule.gateway.delivery.Deliveries}), and the replay that lets a chat socket
 * resume where it dropped ({@link dev.capsule.gateway.delivery.OutboundReplay}).
 *
 * <h2>Resuming a stream on any replica (invariant 7)</h2>
 *
 * A page that loses its socket reconnects, to this replica or another, perhaps one that has just
 * started, and says the last seq it showed for its session. It must then get every event after
 * that seq, once, in order, and go on live. The live feed cannot serve that alone: every replica
 * reads every outbound event, but only from its own start, and a page that was away missed what
 * passed meanwhile. The missed events are read back from where they already are:
 * {@code capsule.outbound} itself, the log of record, where all of one session's events lie in one
 * partition in seq order. The resume frame carries the time of the last event the page saw, so a
 * replay reads seconds of one partition, from {@code offsetsForTimes}, up to that partition's
 * end when the replay begins. The socket follows the live feed <em>before</em> the replay
 * starts and holds the live events back until the replay is sent; then it sends both merged by
 * seq, each seq once, and lets live events through from there. Nothing falls between the two
 * reads, and nothing is shown twice.
 *
 * <p>Why not a replay buffer: the gateway produces none of these events, so a buffer in Redis
 * would be a second copy written by every replica (or by session-service, inside its Kafka
 * transaction, for every chunk) to serve the rare reconnect; an in-memory buffer misses exactly the
 * events a freshly started replica never saw. Why not the history alone: PostgreSQL keeps finished
 * messages, not the chunks of a stream still running, and it lags the log. The history does serve
 * a page that comes back after longer than {@code capsule.gateway.resume.max-look-back}: the
 * replay then says it is not complete, and the page reloads the finished messages from the
 * history API.
 *
 * <p>Costs and limits: one short-lived consumer per resume, at most
 * {@code capsule.gateway.resume.max-concurrent} at a time per replica (a replica's restart sends
 * all its sockets to the others at once); the look-back is bounded, whatever time the page sends.
 */
package dev.capsule.gateway.delivery;
