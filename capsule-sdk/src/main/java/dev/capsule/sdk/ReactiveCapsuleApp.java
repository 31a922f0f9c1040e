package dev.capsule.sdk;

import io.smallrye.mutiny.Uni;

/**
 * A conversational application written in reactive style: each hook returns a {@link Uni}
 * and the turn ends when it completes (and every stream it started has ended). It must not
 * block. Same contract as {@link CapsuleApp} otherwise.
 */
public interface ReactiveCapsuleApp {

    /** Runs once when a session is created or opened again after a close; see {@link CapsuleApp#enter}. */
    default Uni<Void> enter(Session session) {
        return Uni.createFrom().voidItem();
    }

    /** Handles one user message; a failed {@code Uni} becomes an error event for the user. */
    Uni<Void> onMessage(Session session, Message message);

    /** Runs a job that came due for the session; see {@link CapsuleApp#onScheduled}. */
    default Uni<Void> onScheduled(Session session, ScheduledJob job) {
        return Uni.createFrom().failure(new UnsupportedOperationException("job '" + job.name()
                + "' came due, but the app does not implement onScheduled(Session, ScheduledJob)"));
    }

    /** Runs when the user has connected an integration; see {@link CapsuleApp#onConnected}. */
    default Uni<Void> onConnected(Session session, Connection connection) {
        return Uni.createFrom().voidItem();
    }

    /** Runs once when a session is closed; see {@link CapsuleApp#exit}. */
    default Uni<Void> exit(Session session) {
        return Uni.createFrom().voidItem();
    }
}
