package dev.capsule.bench.chaos;

import dev.capsule.events.CapsuleEvent;
import dev.capsule.events.EventCodec;
import dev.capsule.events.OutboundEvent;
import dev.capsule.events.TurnEnded;
import dev.capsule.events.TurnFailed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One conversation of the chaos load, as a patient user would hold it: a message, its answer
 * (or, while the stack is down, as long as it takes to be accepted), about a second's pause,
 * the next message. Sends go over {@code POST …/messages} with server-sent events: the 200 is the
 * acceptance, the events are the live answer. A send that is refused for now (503, 429) or whose
 * fate is unknown (the connection dropped) is sent again under the same {@code Idempotency-Key}.
 */
final class ChaosSession implements Runnable {

    static final int STREAM_WORDS_OVER_POSITION = 10;
    private static final Duration PAUSE = Duration.ofMillis(1000);
    private static final Duration BACKOFF_MAX = Duration.ofSeconds(2);

    final String id;
    private final int index;
    final List<ChaosMessage> messages = new CopyOnWriteArrayList<>();

    private final ChaosLoad load;
    private final Random random;
    private final Set<Long> seqs = ConcurrentHashMap.newKeySet();

    ChaosSession(String id, int index, ChaosLoad load, long seed) {
        this.id = id;
        this.index = index;
        this.load = load;
        this.random = new Random(seed);
    }

    @Override
    public void run() {
        try {
            sleep(random.nextInt((int) PAUSE.toMillis())); // the sessions' messages spread over the second
            for (int k = 1; load.sending(); k++) {
                ChaosMessage m = next(k);
                messages.add(m);
                send(m);
                if (!m.accepted()) {
                    break; // the load is over and this one never got in: the last message of the session
                }
                sleep(PAUSE.toMillis() / 2 + random.nextInt((int) PAUSE.toMillis()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ChaosMessage next(int k) {
        int dice = random.nextInt(100);
        String key = UUID.randomUUID().toString();
        if (dice < 20) {
            // k + 10 words at 200 a second: a turn of a few hundred ms, and a text no other message of the session has.
            return new ChaosMessage(k, ChaosMessage.Kind.STREAM, "/stream " + (k + STREAM_WORDS_OVER_POSITION) + " 200", key);
        }
        if (dice < 30) {
            return new ChaosMessage(k, ChaosMessage.Kind.NOTE, "/remember " + load.notePrefix() + id + "." + k, key);
        }
        return new ChaosMessage(k, ChaosMessage.Kind.PLAIN, "chaos " + id + "." + k, key);
    }

    private void send(ChaosMessage m) throws InterruptedException {
        m.firstSentAt = System.nanoTime();
        long backoff = 250;
        while (true) {
            m.attempts++;
            HttpRequest request = HttpRequest.newBuilder(URI.create(load.base(index, m.attempts) + id + "/messages"))
                    .header("Authorization", load.authorization())
                    .header("Accept", "text/event-stream")
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", m.key)
                    .timeout(Duration.ofSeconds(20)) // to the response's headers: the acceptance
                    .POST(HttpRequest.BodyPublishers.ofString(EventCodec.mapper().createObjectNode().put("text", m.text).toString()))
                    .build();
            try {
                HttpResponse<Stream<String>> response = load.client().send(request, HttpResponse.BodyHandlers.ofLines());
                int status = response.statusCode();
                if (status == 200 && follow(m, response.body())) {
                    return;
                }
                response.body().close();
                if (status != 200 && status != 429 && status < 500) {
                    m.refusedWith = status;
                    load.anomaly(id + ": message " + m.position + " refused with " + status);
                    return;
                }
            } catch (IOException e) {
                m.inDoubt = true;
            }
            if (!load.retrying()) {
                return;
            }
            sleep(backoff);
            backoff = Math.min(BACKOFF_MAX.toMillis(), backoff * 2);
        }
    }

    /**
     * Reads the stream: {@code accepted} (Kafka has the message), then the turn's events until its end.
     * True once accepted, even if the stream breaks afterwards (the history will tell); false when the
     * message must be sent again: refused ({@code error}), or the stream ended before saying (in doubt).
     */
    private boolean follow(ChaosMessage m, Stream<String> lines) {
        String name = "message";
        try (lines) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.startsWith("event:")) {
                    name = line.substring("event:".length()).strip();
                } else if (line.startsWith("data:")) {
                    String data = line.substring(line.startsWith("data: ") ? 6 : 5);
                    switch (name) {
                        case "accepted" -> {
                            if (m.acceptedAt == 0) {
                                m.acceptedAt = System.nanoTime();
                            }
                        }
                        case "error" -> {
                            return false; // not accepted: Kafka could not take it
                        }
                        default -> {
                            if (onEvent(m, data)) {
                                return true;
                            }
                        }
                    }
                }
            }
        } catch (UncheckedIOException e) {
            // The connection dropped (a gateway killed, say).
        }
        if (!m.accepted()) {
            m.inDoubt = true;
        }
        return m.accepted();
    }

    /** True at the turn's end. */
    private boolean onEvent(ChaosMessage m, String data) {
        CapsuleEvent event;
        try {
            event = EventCodec.decode(data);
        } catch (RuntimeException e) {
            load.anomaly(id + ": an event that does not decode: " + data);
            return false;
        }
        if (!(event instanceof OutboundEvent outbound)) {
            return false;
        }
        if (!seqs.add(outbound.seq())) {
            load.liveDuplicate(id + ": seq " + outbound.seq() + " (" + outbound.type() + ") came twice");
        }
        if (event instanceof TurnEnded || event instanceof TurnFailed) {
            m.endedAt = System.nanoTime();
            m.failed = event instanceof TurnFailed;
            load.answered(m, m.failed);
            return true;
        }
        return false;
    }

    private static void sleep(long millis) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(millis);
    }
}
