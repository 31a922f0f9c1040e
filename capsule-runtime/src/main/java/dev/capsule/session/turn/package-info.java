/**
 * Turns: running the app's handler for one message and making its effects stick exactly once.
 *
 * <h2>Why not Kafka transactions (yet), and what stands in for them</h2>
 * A turn's effects are its outbound events (replies, stream chunks, blocks), its collection
 * writes ({@code DocumentChanged}) and its state ({@code StateChanged}, plus the session state
 * in Redis). Streamed chunks must reach the user while the turn runs, so they cannot wait for
 * a transaction that commits at the end of the turn (a {@code read_committed} reader cannot
 * read past an open transaction in its partition). Instead, every effect is made idempotent:
 * <ul>
 *   <li>each event's id is derived from the inbound message's id and the effect's place in the
 *       turn ({@code EventMeta.derived}): outbound event number n among the turn's events that are
 *       not stream chunks (not its seq: streams coalesce by time, so a run again may send another number
 *       of chunks, which moves every seq after them), stream number n, write number n, the state;</li>
 *   <li>the inbound record's offset is committed only after the turn's events are acknowledged
 *       and its state saved, so a crash anywhere before that redelivers the message;</li>
 *   <li>the session state remembers where in {@code capsule.inbound} the last message it handled
 *       sits, and the ids of the last 64, so a message whose turn did finish is not run again,
 *       however long ago it was (a partition is read in order, so a redelivered record at or
 *       below that position was handled; the ids catch a message published twice);</li>
 *   <li>a turn that runs again derives the same ids: persistence-service folds by event id and
 *       keeps the higher document version, the gateway drops seqs it has delivered, and the
 *       document version check-and-set accepts the same write twice.</li>
 *   <li>each effect (an event, a collection write, a scheduled job, the state change and its save)
 *       first checks that this replica still holds the partition the turn's record came from
 *       ({@code PartitionFence}): a replica that lost it in a rebalance, or paused past the group's
 *       deadline, publishes nothing more for those sessions once its consumer has heard so, and the
 *       save's version check stops what was already on its way.</li>
 * </ul>
 * So a crash loses no accepted message, applies each write once and stores each reply once.
 * What a re-run cannot undo: it reads the world with its first run's writes in it (a
 * transaction would have aborted them), and a handler that is not deterministic may stream a
 * different text than the chunks the user already saw; the history keeps the re-run's.
 */
package dev.capsule.session.turn;
