package dev.capsule.session.background;

import dev.capsule.sdk.Capsule;
import dev.capsule.sdk.Session;
import java.util.Map;
import org.eclipse.microprofile.context.spi.ThreadContextController;
import org.eclipse.microprofile.context.spi.ThreadContextProvider;
import org.eclipse.microprofile.context.spi.ThreadContextSnapshot;

/**
 * Carries {@link Capsule#currentSession()} through MicroProfile Context Propagation: a task given to
 * a {@code ManagedExecutor} (or wrapped by a {@code ThreadContext}) sees the session of the code that
 * submitted it, and only while it runs; the pooled thread then has the session it had before, which
 * for a pool's own thread is none. Registered in {@code META-INF/services}.
 */
public class SessionContextProvider implements ThreadContextProvider {

    /** The context type to name in {@code ManagedExecutor.builder().propagated(...)} or {@code cleared(...)}. */
    public static final String TYPE = "CapsuleSession";

    @Override
    public ThreadContextSnapshot currentContext(Map<String, String> props) {
        return snapshotOf(Capsule.currentSession().orElse(null));
    }

    @Override
    public ThreadContextSnapshot clearedContext(Map<String, String> props) {
        return snapshotOf(null);
    }

    private static ThreadContextSnapshot snapshotOf(Session session) {
        return () -> {
            Capsule.Scope scope = Capsule.bind(session);
            return (ThreadContextController) scope::close;
        };
    }

    @Override
    public String getThreadContextType() {
        return TYPE;
    }
}
