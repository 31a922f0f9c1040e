package dev.capsule.session.lanes;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * One lane per session: the tasks of one session run one at a time, in the order they were
 * submitted; tasks of different sessions run at once, each on its own virtual thread, even
 * when their messages share a Kafka partition. A slow session holds up only itself.
 */
@ApplicationScoped
public class SessionLanes {

    private final ConcurrentHashMap<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("turn-", 0).factory());

    /**
     * Runs {@code task} after every task submitted before it for {@code sessionId}.
     *
     * @return the task's outcome; a failed task does not stop the lane
     */
    public <T> CompletableFuture<T> submit(String sessionId, Supplier<T> task) {
        CompletableFuture<T> outcome = new CompletableFuture<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<Void> previous = tails.put(sessionId, done);
        Runnable run = () -> {
            try {
                outcome.complete(task.get());
            } catch (Throwable t) {
                outcome.completeExceptionally(t);
            } finally {
                tails.remove(sessionId, done);
                done.complete(null);
            }
        };
        if (previous == null) {
            threads.execute(run);
        } else {
            previous.whenComplete((ignored, alsoIgnored) -> threads.execute(run));
        }
        return outcome;
    }

    @PreDestroy
    void stop() {
        threads.shutdown();
    }
}
