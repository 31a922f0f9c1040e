package dev.capsule.sdk;

import java.util.Optional;

/**
 * Static access to the runtime for code that is not handed a {@link Session}: helpers deep
 * in a call chain, and background work started from a handler. Passing the session
 * explicitly stays the clearer way.
 */
public final class Capsule {

    private static final InheritableThreadLocal<Session> CURRENT = new InheritableThreadLocal<>();

    private Capsule() {
    }

    /**
     * The session of the turn this code runs in: inside a handler, and inside threads the
     * handler starts (they inherit it) or tasks wrapped with {@link #propagate(Runnable)}.
     * Empty anywhere else.
     */
    public static Optional<Session> currentSession() {
        return Optional.ofNullable(CURRENT.get());
    }

    /**
     * Wraps {@code task} so that it sees the current session when an executor runs it on
     * another thread (pooled threads do not inherit it).
     */
    public static Runnable propagate(Runnable task) {
        Session session = CURRENT.get();
        return () -> {
            Session before = CURRENT.get();
            CURRENT.set(session);
            try {
                task.run();
            } finally {
                restore(before);
            }
        };
    }

    /**
     * Runs {@code body} with {@code session} as the current session. For the runtime, which
     * calls it around each handler; app code has no need of it.
     */
    public static void runWith(Session session, Runnable body) {
        Session before = CURRENT.get();
        CURRENT.set(session);
        try {
            body.run();
        } finally {
            restore(before);
        }
    }

    private static void restore(Session before) {
        if (before == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(before);
        }
    }
}
