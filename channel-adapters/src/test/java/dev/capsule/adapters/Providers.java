package dev.capsule.adapters;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.capsule.events.EventCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** What the fake providers were asked, read back as JSON, per chat. */
final class Providers {

    private Providers() {
    }

    /** A chat id no other test uses. */
    static String newChatId() {
        return String.valueOf(ThreadLocalRandom.current().nextLong(1_000_000_000L, 9_000_000_000L));
    }

    /** The bodies of the calls to {@code path} (a regex under the fake's root) whose {@code jsonField} is {@code value}, in order. */
    static List<JsonNode> calls(String path, String jsonField, String value) {
        List<LoggedRequest> requests = FakeProviders.wireMock().findAll(postRequestedFor(urlPathMatching(path))
                .withRequestBody(matchingJsonPath("$." + jsonField, equalTo(value))));
        return requests.stream().map(r -> json(r.getBody())).toList();
    }

    static List<JsonNode> telegram(String method, String chatId) {
        return calls("/telegram/bot[^/]+/" + method, "chat_id", chatId);
    }

    static JsonNode json(byte[] body) {
        try {
            return EventCodec.mapper().readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
