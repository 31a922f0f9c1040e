package dev.capsule.bench.capsule;

import java.util.function.BiConsumer;

/**
 * Reads a server-sent event stream line by line and hands on each event's name and data. The
 * gateway writes each event's JSON on one {@code data:} line, after its {@code event:} line, so
 * one data line is one event.
 */
final class SseLines {

    private final BiConsumer<String, String> events;
    private String name = "message";

    SseLines(BiConsumer<String, String> events) {
        this.events = events;
    }

    /** One line of the stream, without its line break. */
    void line(String line) {
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        if (line.startsWith("event:")) {
            name = line.substring("event:".length()).strip();
        } else if (line.startsWith("data:")) {
            events.accept(name, line.startsWith("data: ") ? line.substring(6) : line.substring(5));
        } else if (line.isEmpty()) {
            name = "message"; // an event ends at a blank line; the next one names itself
        }
    }
}
