package dev.capsule.session.integrations;

import dev.capsule.integrations.oauth.OAuthException;
import dev.capsule.session.state.StoreUnavailableException;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * How a turn's thread (a virtual thread) uses the Hibernate Reactive stores of {@code capsule-integrations}: their
 * work runs on a Vert.x context, as Hibernate Reactive requires, and the thread waits for it.
 */
public final class ReactiveStore {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private ReactiveStore() {
    }

    /**
     * Runs {@code work} and waits for it. A provider's refusal and a misuse reach the caller as they are; anything else is
     * the store's failure, the runtime's {@link StoreUnavailableException} (the turn runs again once the store answers).
     */
    public static <T> T await(String what, Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(() -> work.get().ifNoItem().after(TIMEOUT).fail());
        } catch (OAuthException | IllegalArgumentException | IllegalStateException e) {
            throw e;
        } catch (Throwable t) {
            throw new StoreUnavailableException("PostgreSQL could not be used for " + what + ": " + t, t);
        }
    }
}
