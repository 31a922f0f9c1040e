package dev.capsule.bench.chaos;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The flooding user of {@code flood-one-session}, as a process of its own ({@link Probes#flood} says why):
 * {@code <gateway> <session> <count>}, the token in {@value #TOKEN_VARIABLE}. Asks for {@code count} streamed answers in
 * the session as fast as 50 connections can, each request let go once the gateway has said whether it took it, and
 * prints how many it took and refused: {@code "<taken> <refused>"}.
 */
public final class FloodClient {

    static final String TOKEN_VARIABLE = "CAPSULE_FLOOD_TOKEN";

    private FloodClient() {
    }

    public static void main(String[] args) throws Exception {
        String gateway = args[0];
        String session = args[1];
        int count = Integer.parseInt(args[2]);
        String token = System.getenv(TOKEN_VARIABLE);
        AtomicInteger taken = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger next = new AtomicInteger();
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            List<Thread> senders = new ArrayList<>();
            for (int c = 0; c < 50; c++) {
                senders.add(Thread.ofVirtual().start(() -> {
                    while (next.getAndIncrement() < count) {
                        try {
                            HttpResponse<Stream<String>> r = client.send(HttpRequest.newBuilder(
                                            URI.create(gateway + "/api/sessions/" + session + "/messages"))
                                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                                    .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(30))
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"/stream\"}")).build(),
                                    HttpResponse.BodyHandlers.ofLines());
                            try (Stream<String> lines = r.body()) {
                                boolean accepted = r.statusCode() == 200 && lines.anyMatch(l -> l.startsWith("event:accepted"));
                                (accepted ? taken : refused).incrementAndGet();
                            }
                        } catch (java.io.IOException e) {
                            refused.incrementAndGet();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }));
            }
            for (Thread t : senders) {
                t.join();
            }
        }
        System.out.println(taken.get() + " " + refused.get());
    }
}
