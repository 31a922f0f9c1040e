package dev.capsule.testkit;

import dev.capsule.sdk.CapsuleApp;
import dev.capsule.sdk.Connection;
import dev.capsule.sdk.Message;
import dev.capsule.sdk.ReactiveCapsuleApp;
import dev.capsule.sdk.ScheduledJob;
import dev.capsule.sdk.Session;
import io.smallrye.mutiny.Uni;
import java.time.Duration;

/**
 * A reactive app seen as a blocking one: each hook's {@code Uni} is awaited on the turn's
 * thread, as the runtime does, but for a bounded time, so that a Uni that never completes fails
 * the test instead of hanging it.
 */
final class AwaitingApp implements CapsuleApp {

    private final ReactiveCapsuleApp app;
    private final Duration timeout;

    AwaitingApp(ReactiveCapsuleApp app, Duration timeout) {
        this.app = app;
        this.timeout = timeout;
    }

    @Override
    public void enter(Session session) {
        await(app.enter(session), "enter");
    }

    @Override
    public void onMessage(Session session, Message message) {
        await(app.onMessage(session, message), "onMessage");
    }

    @Override
    public void onScheduled(Session session, ScheduledJob job) {
        await(app.onScheduled(session, job), "onScheduled");
    }

    @Override
    public void onConnected(Session session, Connection connection) {
        await(app.onConnected(session, connection), "onConnected");
    }

    @Override
    public void exit(Session session) {
        await(app.exit(session), "exit");
    }

    private void await(Uni<Void> uni, String hook) {
        if (uni == null) {
            throw new IllegalStateException(hook + " returned null instead of a Uni: return Uni.createFrom().voidItem() when there is nothing to wait for");
        }
        try {
            uni.await().atMost(timeout);
        } catch (io.smallrye.mutiny.TimeoutException e) {
            throw new IllegalStateException("the Uni returned by " + hook + " did not complete within " + timeout
                    + "; in the runtime the turn would not end. Make it complete, or allow more time with TestSession.timeout(...)", e);
        }
    }
}
