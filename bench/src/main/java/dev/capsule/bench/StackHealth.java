package dev.capsule.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Readiness of the services between steps. A service that stopped (session-service stops
 * consuming when a turn cannot complete, rather than skip it) makes every later step measure
 * nothing but timeouts: the run says which one, and stops there.
 */
public final class StackHealth {

    private final HttpClient client;
    private final Map<String, Integer> ports;

    public StackHealth(HttpClient client, Map<String, Integer> ports) {
        this.client = client;
        this.ports = new TreeMap<>(ports);
    }

    /** The services not ready now, each with what its readiness check said; empty when all are. */
    public List<String> notReady() {
        List<String> down = new ArrayList<>();
        for (var e : ports.entrySet()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + e.getValue() + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(5)).GET().build();
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    down.add(e.getKey() + " (" + response.body().replaceAll("\\s+", " ") + ")");
                }
            } catch (Exception failure) {
                down.add(e.getKey() + " (" + failure + ")");
            }
        }
        return down;
    }
}
