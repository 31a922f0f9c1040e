package dev.capsule.adapters.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.capsule.adapters.config.BoundChannel;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;

/**
 * What the three providers' API clients share: each call is a JSON body POSTed to the channel's
 * API through {@link ProviderHttp} (pacing, retries, no blind re-send), authenticated with the
 * channel's token, and its answer judged by the provider's own {@link #verdict}. A subclass says
 * only its URLs, its bodies and what its answers mean.
 */
public abstract class JsonApi implements ProviderApi {

    protected static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    protected final BoundChannel channel;
    private final ProviderHttp http;
    private final boolean bearer;

    /** {@code bearer}: the token goes in {@code Authorization: Bearer …} (Slack, WhatsApp), not in the URL (Telegram). */
    protected JsonApi(BoundChannel channel, ProviderHttp http, boolean bearer) {
        this.channel = channel;
        this.http = http;
        this.bearer = bearer;
    }

    /** An integration prompt's text, else its label, else {@code fallback}. */
    protected static String promptText(JsonNode block, String fallback) {
        String text = block.path("text").asText("");
        String label = block.path("label").asText("");
        return !text.isBlank() ? text : !label.isBlank() ? label : fallback;
    }

    /**
     * Only an absolute http(s) address becomes a link button: each provider refuses the whole message over a
     * button's bad URL, and a link of another scheme ({@code javascript:}) is no place to send a user.
     */
    protected static boolean webUrl(String url) {
        try {
            URI uri = new URI(url);
            return ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /**
     * POSTs {@code body} to {@code url}; see {@link ProviderHttp#call} for {@code chat}, {@code what}
     * and {@code idempotent}.
     */
    protected JsonNode post(String what, String url, String chat, JsonNode body, boolean idempotent) {
        HttpRequest.Builder request = ProviderHttp.postJson(url, body);
        if (bearer) {
            request.header("Authorization", "Bearer " + channel.token());
        }
        return http.call(channel, chat, what, request, idempotent, this::verdict);
    }

    /** What the provider's answer means: done, wait and try again, or give up. */
    protected abstract Verdict verdict(ProviderHttp.Answer answer);

    /** The plain text a {@code show} block falls back to: its {@code fallbackText}, else its kind. */
    protected static String fallbackText(JsonNode block) {
        return block.path("fallbackText").asText(block.path("kind").asText());
    }

    /** {@code s} cut to {@code max} characters, the last one an ellipsis when cut. */
    protected static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
