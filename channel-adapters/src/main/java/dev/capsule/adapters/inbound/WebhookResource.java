package dev.capsule.adapters.inbound;

import dev.capsule.adapters.ChannelAdapters;
import dev.capsule.adapters.config.BoundChannel;
import dev.capsule.adapters.config.BoundChannels;
import dev.capsule.adapters.config.DeliveryConfig;
import dev.capsule.kafka.MessageTraces;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Every named channel's webhook: {@code POST /channels/{name}/webhook} (and {@code GET} for
 * the WhatsApp handshake). The answer is 200 only once Kafka has the messages, so a provider
 * retries anything not yet safe (503 when Kafka has not taken them within
 * {@code capsule.delivery.webhook-timeout}); 401 for a bad or missing signature and 400 for a
 * signed body that cannot be read, with nothing published; 500 for a fault of ours.
 */
@Path("/channels/{name}/webhook")
public class WebhookResource {

    private static final Logger LOG = Logger.getLogger(WebhookResource.class);

    private final BoundChannels channels;
    private final ChannelAdapters adapters;
    private final InboundPublisher publisher;
    private final Duration timeout;
    private final MessageTraces traces;

    WebhookResource(BoundChannels channels, ChannelAdapters adapters, InboundPublisher publisher, DeliveryConfig config,
                    MessageTraces traces) {
        this.traces = traces;
        this.channels = channels;
        this.adapters = adapters;
        this.publisher = publisher;
        this.timeout = config.webhookTimeout();
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.TEXT_PLAIN)
    public Uni<Response> post(@PathParam("name") String name, byte[] body, @Context HttpHeaders headers, @Context UriInfo uri) {
        Optional<BoundChannel> channel = channels.get(name);
        if (channel.isEmpty()) {
            return Uni.createFrom().item(text(404, "no channel named '" + name + "' is bound here"));
        }
        WebhookRequest request = request(body, headers, uri);
        // On a worker: an adapter may ask Redis (a Telegram button's long value) with the blocking client.
        return Uni.createFrom().item(() -> read(channel.get(), request))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onItem().transformToUni(outcome -> settle(channel.get(), outcome))
                .onFailure().recoverWithItem(e -> {
                    LOG.errorf(e, "channel %s: reading a webhook failed; answered 500, the provider will retry", name);
                    return text(500, "the webhook could not be handled; try again");
                });
    }

    /** What the adapter makes of the webhook; a body it cannot read is the provider's fault, answered 400. */
    private WebhookOutcome read(BoundChannel channel, WebhookRequest request) {
        try {
            return adapters.of(channel).webhook(channel, request);
        } catch (IllegalArgumentException e) {
            return WebhookOutcome.badRequest("unreadable webhook: " + e.getMessage());
        }
    }

    /** Answers the provider as the adapter decided: at once, or once Kafka has the messages. */
    private Uni<Response> settle(BoundChannel channel, WebhookOutcome outcome) {
        String name = channel.name();
        return switch (outcome) {
            case WebhookOutcome.Answer a -> Uni.createFrom().item(answered(name, a));
            case WebhookOutcome.Publish p -> publisher.publishOnce(channel, traced(channel, p.messages()))
                    .ifNoItem().after(timeout).failWith(() -> new TimeoutException("Kafka did not take them within " + timeout))
                    .map(done -> {
                        Thread.ofVirtual().name("after-webhook-" + name).start(p.afterwards());
                        return text(200, "ok");
                    })
                    .onFailure().recoverWithItem(e -> {
                        LOG.errorf("channel %s: publishing a webhook's messages failed (%s); the provider will retry", name, e.toString());
                        return text(503, "not accepted yet; try again");
                    });
        };
    }

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public Response handshake(@PathParam("name") String name, @Context HttpHeaders headers, @Context UriInfo uri) {
        Optional<BoundChannel> channel = channels.get(name);
        if (channel.isEmpty()) {
            return text(404, "no channel named '" + name + "' is bound here");
        }
        WebhookOutcome outcome = adapters.of(channel.get()).handshake(channel.get(), request(null, headers, uri));
        return outcome instanceof WebhookOutcome.Answer a ? answered(name, a) : text(405, "");
    }

    /** The answer, with a log line when it refuses: a wrong secret in the configuration shows only as these. */
    private static Response answered(String name, WebhookOutcome.Answer a) {
        if (a.status() >= 400) {
            LOG.warnf("channel %s: webhook refused with %d: %s", name, a.status(), a.body());
        }
        return text(a.status(), a.body());
    }

    /** Each message in a trace of its own, begun by a span of this service (providers send no trace context). */
    private List<WebhookOutcome.Incoming> traced(BoundChannel channel, List<WebhookOutcome.Incoming> messages) {
        return messages.stream().map(m -> new WebhookOutcome.Incoming(m.providerId(),
                m.message().withTrace(traces.accept(channel.name(), m.message().trace())))).toList();
    }

    private static WebhookRequest request(byte[] body, HttpHeaders headers, UriInfo uri) {
        Map<String, String> h = new HashMap<>();
        headers.getRequestHeaders().forEach((k, v) -> {
            if (!v.isEmpty()) {
                h.put(k.toLowerCase(Locale.ROOT), v.getFirst());
            }
        });
        Map<String, String> q = new HashMap<>();
        MultivaluedMap<String, String> params = uri.getQueryParameters();
        params.forEach((k, v) -> {
            if (!v.isEmpty()) {
                q.put(k, v.getFirst());
            }
        });
        return new WebhookRequest(body, h, q);
    }

    private static Response text(int status, String body) {
        return Response.status(status).type(MediaType.TEXT_PLAIN).entity(body).build();
    }
}
