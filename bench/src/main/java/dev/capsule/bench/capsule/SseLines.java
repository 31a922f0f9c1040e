package dev.capsule.bench.capsule;

import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * Reads a server-sent event stream line by line and hands on the data of each event. The
 * gateway writes each event's JSON on one {@code data:} line, so one line is one event.
 */
final class SseLines implements Flow.Subscriber<String> {

    private final Consumer<String> data;

    SseLines(Consumer<String> data) {
        this.data = data;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
        if (line.startsWith("data:")) {
            data.accept(line.startsWith("data: ") ? line.substring(6) : line.substring(5));
        }
    }

    @Override
    public void onError(Throwable throwable) {
        // The response future fails too; HttpDriver counts it there.
    }

    @Override
    public void onComplete() {
    }
}
