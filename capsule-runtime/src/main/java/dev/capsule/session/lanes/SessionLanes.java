package dev.capsule.session.lanes;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One lane per session: the tasks of one session run one at a time, in the order they were
 * submitted; tasks of different sessions run at once, each on its own virtual thread, even
 * when their messages share a Kafka partition. A slow session holds up only itself.
 */
@ApplicationScoped
public class SessionLanes {

    private final ConcurrentHashMap<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();
    /** Tasks submitted and not done, per session: the one running and those waiting behind it. */
    private final ConcurrentHashMap<String, Integer> depths = new ConcurrentHashMap<>();
    /** Tasks of every session waiting behind the one their session runs: the queue depth operators watch. */
    private final AtomicInteger queued = new AtomicInteger();
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("turn-", 0).factory());

    /**
     * Runs {@code task} after every task submitted before it for {@code sessionId} is done. A task
     * starts on a virtual thread (a handler may block) and is done when the future it returns
     * completes: what follows the handler (Kafka's acknowledgements, the state save) is left to
     * callbacks, so no thread waits for it, yet the session's next task still waits.
     *
     * @return the task's outcome; a failed task does not stop the lane
     */
    public <T> CompletableFuture<T> submit(String sessionId, Supplier<CompletableFuture<T>> task) {
        CompletableFuture<T> outcome = new CompletableFuture<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        depths.merge(sessionId, 1, Integer::sum);
        CompletableFuture<Void> previous = tails.put(sessionId, done);
        Runnable run = () -> {
            CompletableFuture<T> started;
            try {
                started = task.get();
            } catch (Throwable t) {
                started = CompletableFuture.failedFuture(t);
            }
            started.whenComplete((value, failure) -> {
                tails.remove(sessionId, done);
                depths.computeIfPresent(sessionId, (id, depth) -> depth == 1 ? null : depth - 1);
                done.complete(null);
                if (failure == null) {
                    outcome.complete(value);
                } else {
                    outcome.completeExceptionally(failure);
                }
            });
        };
        if (previous == null) {
            threads.execute(run);
        } else {
            queued.incrementAndGet();
            previous.whenComplete((ignored, alsoIgnored) -> {
                queued.decrementAndGet();
                threads.execute(run);
            });
        }
        return outcome;
    }

    /** How many tasks of {@code sessionId} wait behind the one running (0 when its lane is idle or runs one). */
    public int waiting(String sessionId) {
        Integer depth = depths.get(sessionId);
        return depth == null ? 0 : depth - 1;
    }

    /** Whether {@code sessionId} has no task running or waiting. */
    public boolean idle(String sessionId) {
        return !depths.containsKey(sessionId);
    }

    /** How many tasks, of all sessions, wait behind the task their session runs now. */
    public int queued() {
        return queued.get();
    }

    /** Runs {@code task} on a virtual thread of its own after {@code delayMs}: a turn tried again after a failure. */
    public void later(long delayMs, Runnable task) {
        CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS, threads).execute(task);
    }

    @PreDestroy
    void stop() {
        threads.shutdown();
    }
}
