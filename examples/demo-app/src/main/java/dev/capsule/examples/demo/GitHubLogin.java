package dev.capsule.examples.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capsule.sdk.Connection;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Who the user is on GitHub, asked of GitHub's user API with the connection's token: what an app does with a
 * connected integration. {@code demo.github.api-url} points it at another API (the fake providers' for
 * {@code ./capsule up}).
 */
final class GitHubLogin {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private GitHubLogin() {
    }

    static String of(Connection github) {
        String api = ConfigProvider.getConfig().getOptionalValue("demo.github.api-url", String.class).orElse("https://api.github.com");
        HttpRequest request = HttpRequest.newBuilder(URI.create(api.replaceAll("/+$", "") + "/user"))
                .header("Authorization", "Bearer " + github.accessToken())
                .header("Accept", "application/vnd.github+json")
                .timeout(Duration.ofSeconds(10)).build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GitHub's user API answered " + response.statusCode());
            }
            JsonNode user = JSON.readTree(response.body());
            return user.path("login").asText("?");
        } catch (IOException e) {
            throw new IllegalStateException("GitHub's user API could not be reached: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking GitHub who the user is", e);
        }
    }
}
