package dev.capsule.session;

import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import java.util.function.Supplier;

/** Runs what the tests ask of Hibernate Reactive stores on a Vert.x context, as they require, and waits for it. */
final class OnVertxContext {

    private OnVertxContext() {
    }

    static <T> T await(Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(work::get);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
