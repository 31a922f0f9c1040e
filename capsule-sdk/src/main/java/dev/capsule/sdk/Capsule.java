package dev.capsule.sdk;

import java.util.Optional;

/**
 * Static access to the runtime for code that is not handed a {@link Session}: helpers deep
 * in a call chain, background work started from a handler, and scheduled jobs. Passing the
 * session explicitly stays the clearer way.
 *
 * <p>The current session belongs to the thread that runs the hook, and to tasks that are handed
 * it on purpose: a {@code ManagedExecutor} of the runtime (inject it) carries it to the task, and
 * {@link #propagate(Runnable)} wraps a task for any other executor or thread. A thread never
 * inherits it by being started, so that a pooled thread, created during one user's turn and
 * reused for another's work, never sees the first user's session.
 */
public final class Capsule {

    private static final ThreadLocal<Session> CURRENT = new ThreadLocal<>();

    private Capsule() {
    }

    /**
     * The session of the hook this code runs in: inside a handler, {@code enter()}, {@code exit()} or
     * {@code onScheduled()}, and inside tasks handed the session (a {@code ManagedExecutor}, or
     * {@link #propagate(Runnable)}). Empty anywhere else.
     */
    public static Optional<Session> currentSession() {
        return Optional.ofNullable(CURRENT.get());
    }

    /**
     * Wraps {@code task} so that it sees the current session (the caller's) when a thread or an
     * executor runs it, and nothing of it afterwards.
     */
    public static Runnable propagate(Runnable task) {
        Session session = CURRENT.get();
        return () -> {
            try (Scope ignored = bind(session)) {
                task.run();
            }
        };
    }

    /**
     * Runs {@code body} with {@code session} as the current session. For the runtime, which
     * calls it around each hook; app code has no need of it.
     */
    public static void runWith(Session session, Runnable body) {
        try (Scope ignored = bind(session)) {
            body.run();
        }
    }

    /**
     * Makes {@code session} (or none, when null) the current session of this thread until the
     * returned scope is closed, which puts back the one before. For the runtime's context
     * propagation; app code has no need of it.
     */
    public static Scope bind(Session session) {
        Session before = CURRENT.get();
        if (session == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(session);
        }
        return () -> {
            if (before == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(before);
            }
        };
    }

    /** The span during which a session is the current one; closing it puts back the one before. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
