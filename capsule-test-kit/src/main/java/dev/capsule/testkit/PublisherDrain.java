package dev.capsule.testkit;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes what a publisher emits into a stream and waits for it to complete. The runtime streams
 * a publisher while the handler goes on; the kit waits, so that a test sees the stream whole,
 * in its place among the handler's other answers, without sleeping or polling.
 */
final class PublisherDrain {

    private PublisherDrain() {
    }

    /**
     * Drains {@code chunks} into {@code stream}, then ends it.
     *
     * @return what failed the source (or a timeout), or null when it completed
     */
    static Throwable drain(Flow.Publisher<String> chunks, TestReplyStream stream, Duration timeout) {
        CompletableFuture<Void> completed = new CompletableFuture<>();
        AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
        chunks.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription.set(s);
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(String chunk) {
                try {
                    stream.write(chunk);
                } catch (RuntimeException e) {
                    // A subscriber may not throw (Reactive Streams 2.13): the source hears of it by a cancel.
                    subscription.get().cancel();
                    completed.completeExceptionally(e);
                }
            }

            @Override
            public void onError(Throwable failure) {
                completed.completeExceptionally(failure);
            }

            @Override
            public void onComplete() {
                completed.complete(null);
            }
        });
        Throwable failure = await(completed, timeout, subscription);
        stream.end();
        return failure;
    }

    private static Throwable await(CompletableFuture<Void> completed, Duration timeout,
                                   AtomicReference<Flow.Subscription> subscription) {
        try {
            completed.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            cancel(subscription);
            return new TimeoutException("the publisher given to streamReplyFrom did not complete within " + timeout
                    + "; in the runtime the turn would wait for it until the turn timeout and then fail. Make the"
                    + " publisher complete, or allow more time with TestSession.timeout(...)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel(subscription);
            return e;
        }
    }

    private static void cancel(AtomicReference<Flow.Subscription> subscription) {
        Flow.Subscription s = subscription.get();
        if (s != null) {
            s.cancel();
        }
    }
}
