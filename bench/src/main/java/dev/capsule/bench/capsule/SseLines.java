package dev.capsule.bench.capsule;

import java.util.concurrent.Flow;
import java.util.function.BiConsumer;

/**
 * Reads a server-sent event stream line by line and hands on each event's name and data. The
 * gateway writes each event's JSON on one {@code data:} line, after its {@code event:} line, so
 * one data line is one event.
 */
final class SseLines implements Flow.Subscriber<String> {

    private final BiConsumer<String, String> events;
    private String name = "message";

    SseLines(BiConsumer<String, String> events) {
        this.events = events;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
        if (line.startsWith("event:")) {
            name = line.substring("event:".length()).strip();
        } else if (line.startsWith("data:")) {
            events.accept(name, line.startsWith("data: ") ? line.substring(6) : line.substring(5));
        } else if (line.isEmpty()) {
            name = "message"; // an event ends at a blank line; the next one names itself
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
