package dev.capsule.session.state;

/**
 * What a poll's lookup found for a session this replica did not hold: its state in Redis, or, when Redis had none,
 * whether PostgreSQL has heard of it (then its snapshot is read there) or not (a new session).
 *
 * @param state the state Redis holds, or null
 * @param inPostgres whether PostgreSQL has a row for the session; asked only when Redis had no state
 */
public record LookedUp(SessionState state, boolean inPostgres) {
}
