package dev.capsule.adapters.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.capsule.adapters.config.BoundChannel;
import dev.capsule.adapters.config.DeliveryConfig;
import dev.capsule.events.EventCodec;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Calls a provider's HTTP API the way every adapter must: paced by {@link RateLimits}, tried
 * again on rate limits (after the provider's own wait) and on transient failures (after
 * exponential back-off), and never tried again when the outcome is unknown and the call is
 * not idempotent. Blocking by design: it runs on a chat's own virtual thread.
 */
@ApplicationScoped
public class ProviderHttp {

    private static final Logger LOG = Logger.getLogger(ProviderHttp.class);

    private final HttpClient client;
    private final DeliveryConfig config;
    private final RateLimits limits;

    ProviderHttp(DeliveryConfig config, RateLimits limits) {
        this.config = config;
        this.limits = limits;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /**
     * One call of a provider's API.
     *
     * @param channel    the channel the call is for (its limits apply)
     * @param chat       the chat the call addresses (its limit applies), or null for a call that sends nothing to a chat
     * @param what       what the call does, for reasons and logs, e.g. {@code sendMessage}
     * @param request    the request, without its timeout
     * @param idempotent whether doing it twice equals doing it once (an edit with the whole text, a typing status)
     * @param verdict    what the provider's answer means
     * @return the provider's answer, parsed
     * @throws DeliveryException when the provider refused, kept failing until the last try, or the outcome is unknown
     */
    public JsonNode call(BoundChannel channel, String chat, String what, HttpRequest.Builder request, boolean idempotent,
                         Function<Answer, Verdict> verdict) {
        HttpRequest built = request.timeout(config.requestTimeout()).build();
        Duration backoff = config.initialBackoff();
        String last = "no try";
        for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
            if (chat != null) {
                limits.acquire(channel, chat);
            }
            Verdict v;
            try {
                HttpResponse<byte[]> response = client.send(built, HttpResponse.BodyHandlers.ofByteArray());
                v = verdict.apply(new Answer(response.statusCode(), response.headers().map(), parse(response.body())));
            } catch (HttpConnectTimeoutException | ConnectException e) {
                // The request never reached the provider: safe to try again.
                v = new Verdict.Retry("cannot connect to " + built.uri().getHost() + ": " + e.getClass().getSimpleName());
            } catch (IOException e) {
                String reason = what + " to " + channel.name() + ": no answer (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")";
                if (!idempotent) {
                    throw DeliveryException.ambiguous(reason + "; the provider may have delivered it, so it is not sent again", e);
                }
                v = new Verdict.Retry(reason);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw DeliveryException.failed(what + " to " + channel.name() + ": interrupted (shutting down)");
            }
            switch (v) {
                case Verdict.Ok ok -> {
                    return ok.body();
                }
                case Verdict.Fail fail -> throw DeliveryException.failed(what + " to " + channel.name() + " refused: " + fail.reason());
                case Verdict.RetryAfter wait -> {
                    last = wait.reason();
                    if (wait.delay().compareTo(config.maxBackoff()) > 0) {
                        throw DeliveryException.failed(what + " to " + channel.name() + ": " + last + "; asked to wait "
                                + wait.delay().toSeconds() + " s, more than capsule.delivery.max-backoff");
                    }
                    if (attempt < config.maxAttempts()) {
                        LOG.debugf("%s to %s rate limited (%s); trying again in %d ms", what, channel.name(), last, wait.delay().toMillis());
                        sleep(wait.delay());
                    }
                }
                case Verdict.Retry retry -> {
                    last = retry.reason();
                    if (attempt < config.maxAttempts()) {
                        LOG.debugf("%s to %s failed (%s); trying again in %d ms", what, channel.name(), last, backoff.toMillis());
                        sleep(backoff);
                        backoff = min(backoff.multipliedBy(2), config.maxBackoff());
                    }
                }
            }
        }
        throw DeliveryException.failed(what + " to " + channel.name() + " failed " + config.maxAttempts() + " times; last: " + last);
    }

    /** A JSON POST to {@code url}. */
    public static HttpRequest.Builder postJson(String url, JsonNode body) {
        try {
            return HttpRequest.newBuilder(URI.create(url))
                    .header("Content-Type", "application/json; charset=utf-8")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(EventCodec.mapper().writeValueAsBytes(body)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a request body", e);
        }
    }

    private static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return NullNode.getInstance();
        }
        try {
            return EventCodec.mapper().readTree(body);
        } catch (IOException e) {
            return EventCodec.mapper().getNodeFactory().textNode(new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8));
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DeliveryException.failed("interrupted while waiting to try again (shutting down)");
        }
    }

    /** {@code Retry-After} in seconds, when the answer has one. */
    public static Duration retryAfterHeader(Answer answer, Duration otherwise) {
        return answer.header("retry-after").map(v -> {
            try {
                return Duration.ofSeconds(Long.parseLong(v.trim()));
            } catch (NumberFormatException e) {
                return otherwise;
            }
        }).orElse(otherwise);
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /** A provider's answer: its status, headers and body (JSON, or a text node when not JSON). */
    public record Answer(int status, Map<String, java.util.List<String>> headers, JsonNode body) {

        public java.util.Optional<String> header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst();
        }

        /** At most 300 characters of the body, for reasons. */
        public String brief() {
            String s = body.isTextual() ? body.textValue() : body.toString();
            return "HTTP " + status + " " + (s.length() > 300 ? s.substring(0, 300) + "…" : s);
        }
    }
}
