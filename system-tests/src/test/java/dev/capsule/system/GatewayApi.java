package dev.capsule.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capsule.events.EventCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;

/** The gateways' HTTP API as a test's users call it, with tokens signed by the stack's own key. */
record GatewayApi(StackIdentity identity, HttpClient http) {

    GatewayApi(StackIdentity identity) {
        this(identity, HttpClient.newHttpClient());
    }

    String token(String user) {
        return identity.token(user, Duration.ofMinutes(10));
    }

    HttpResponse<String> post(String base, String path, String user, String body, String accept) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token(user))
                .header("Content-Type", "application/json").header("Accept", accept)
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    HttpResponse<String> get(String base, String path, String user) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token(user)).build());
    }

    HttpResponse<String> delete(String base, String session, String user) {
        return send(HttpRequest.newBuilder(URI.create(base + "/api/sessions/" + session))
                .header("Authorization", "Bearer " + token(user)).DELETE().build());
    }

    /** Sends {@code text} and answers the turn's events ({@code {"events":[…]}}). */
    JsonNode say(String base, String session, String user, String text) {
        HttpResponse<String> r = post(base, "/api/sessions/" + session + "/messages", user,
                "{\"text\":\"" + text + "\"}", "application/json");
        assertEquals(200, r.statusCode(), r.body());
        return json(r.body());
    }

    JsonNode history(String base, String session, String user) {
        return ok(get(base, "/api/sessions/" + session + "/history?limit=500", user));
    }

    JsonNode status(String base, String session, String user) {
        return ok(get(base, "/api/sessions/" + session, user));
    }

    List<JsonNode> closedSessions(String base, String user) {
        return StreamSupport.stream(ok(get(base, "/api/collections/closed-sessions", user)).get("documents").spliterator(), false)
                .toList();
    }

    /** The texts of the history's messages, oldest first. */
    List<String> historyTexts(String base, String session, String user) {
        return StreamSupport.stream(history(base, session, user).get("messages").spliterator(), false)
                .map(m -> m.get("text").asText()).toList();
    }

    static List<String> replies(JsonNode answer) {
        return StreamSupport.stream(answer.get("events").spliterator(), false)
                .filter(e -> e.get("type").asText().equals("reply")).map(e -> e.get("text").asText()).toList();
    }

    static JsonNode json(String body) {
        try {
            return EventCodec.mapper().readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException(body, e);
        }
    }

    private static JsonNode ok(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        return json(r.body());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(request.uri() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
