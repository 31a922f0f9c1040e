package dev.capsule.gateway.api;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.capsule.events.EventCodec;
import dev.capsule.events.InboundMessage;
import dev.capsule.gateway.delivery.OutboundFrame;
import dev.capsule.events.TraceContext;
import dev.capsule.events.UserRef;
import dev.capsule.gateway.auth.CurrentUser;
import dev.capsule.gateway.delivery.Deliveries;
import dev.capsule.gateway.delivery.SilentTurns;
import dev.capsule.gateway.delivery.TurnWaiter;
import dev.capsule.gateway.history.HistoryReader;
import dev.capsule.gateway.history.SessionStatusReader;
import dev.capsule.gateway.inbound.MessageIntake;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The synchronous HTTP API: a message in, the turn's events out, as one JSON answer once the
 * turn has ended or as server-sent events while it runs; and a session's history, status and close.
 */
@Path("/api/sessions")
@Authenticated
public class SessionsResource {

    /**
     * Names a message so that sending it again is safe: the same key in the same session is the same
     * message, run once (see {@link MessageIntake#message(String, UserRef, String, MessageIntake.Content, TraceContext, String)}).
     */
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final MessageIntake intake;
    private final Deliveries deliveries;
    private final HistoryReader history;
    private final SessionStatusReader status;
    private final JsonWebToken token;
    private final CurrentUser users;
    private final Sse sse;
    private final Duration turnTimeout;

    SessionsResource(MessageIntake intake, Deliveries deliveries, HistoryReader history, SessionStatusReader status,
                     JsonWebToken token, CurrentUser users, Sse sse, SilentTurns silentTurns) {
        this.intake = intake;
        this.deliveries = deliveries;
        this.history = history;
        this.status = status;
        this.token = token;
        this.users = users;
        this.sse = sse;
        this.turnTimeout = silentTurns.turnTimeout();
    }

    /**
     * Creates a session for the caller and answers its id. The id is theirs at once; if no message
     * is sent in it within {@code capsule.gateway.ownership.unused-claim-ttl}, the claim lapses.
     */
    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> create() {
        String id = UUID.randomUUID().toString();
        return intake.claimNew(id, user()).map(ok -> Response.status(201)
                .entity(EventCodec.mapper().createObjectNode().put("sessionId", id)).build());
    }

    /**
     * Stops the answer to message {@code messageId} if its turn still runs: 202 once the request
     * is in Kafka. The turn's events (to a waiting request or the history) show its stream ended
     * as cancelled.
     */
    @POST
    @Path("{id}/messages/{messageId}/cancel")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> cancel(@PathParam("id") String sessionId, @PathParam("messageId") String messageId) {
        return intake.cancel(sessionId, user(), messageId).map(ok -> Response.accepted(EventCodec.mapper()
                .createObjectNode().put("sessionId", sessionId).put("messageId", messageId)).build());
    }

    /**
     * Sends a message, {@code {"text": "..."}} or a button press {@code {"action": {"value": "...", "label": "..."}}}
     * (see {@link MessageIntake#contentOf}), and answers the turn's events once the turn has ended.
     */
    @POST
    @Path("{id}/messages")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> send(@PathParam("id") String sessionId, byte[] body,
                              @HeaderParam("traceparent") String traceparent,
                              @HeaderParam("tracestate") String tracestate,
                              @HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey) {
        UserRef user = user();
        MessageIntake.Content content = intake.readContent(body);
        return intake.claimForMessage(sessionId, user).chain(() -> {
            InboundMessage message = intake.message(sessionId, user, "api", content, new TraceContext(traceparent, tracestate),
                    idempotencyKey);
            TurnWaiter waiter = deliveries.awaitTurn(message);
            return intake.publish(message)
                    .chain(() -> waiter.events().collect().asList()
                            .onFailure(TurnWaiter.Silent.class).transform(silent -> new MessageIntake.Rejection(504,
                                    "the turn of message " + message.eventId() + " sent nothing for " + turnTimeout
                                            + "; its events will still reach the history")))
                    .map(events -> Response.ok(answer(sessionId, message.eventId(), events)).build())
                    .eventually(() -> deliveries.forgetTurn(message, waiter));
        });
    }

    /**
     * Sends a message and streams the turn's events as server-sent events, ending with the turn.
     * An SSE response is committed (200 and its headers) as soon as this method returns its Multi,
     * so the refusals come before it, and no thread waits for them: the session is claimed for the
     * user by {@link SessionClaims} (403, 404, 429 or 503 with {@code {"error": "<why>"}}), and the
     * body is checked here (400). The message is published when the stream is subscribed, so the 200
     * does not yet mean it was accepted: the stream's first event says which. {@code accepted}
     * ({@code {"sessionId","messageId","at"}}) once Kafka has it, then the turn's events; or, if
     * Kafka cannot take it, {@code error} with the status and the reason, and nothing more.
     */
    @POST
    @Path("{id}/messages")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @SessionClaims.ClaimedFirst
    public Multi<OutboundSseEvent> stream(@PathParam("id") String sessionId, byte[] body,
                                          @HeaderParam("traceparent") String traceparent,
                                          @HeaderParam("tracestate") String tracestate,
                                          @HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey) {
        UserRef user = user();
        MessageIntake.Content content = intake.readContent(body);
        InboundMessage message = intake.message(sessionId, user, "api", content, new TraceContext(traceparent, tracestate),
                idempotencyKey);
        TurnWaiter waiter = deliveries.awaitTurn(message);
        return intake.publish(message)
                .onItem().transformToMulti(published -> Multi.createBy().concatenating().streams(
                        Multi.createFrom().item(() -> acceptedEvent(message)),
                        waiter.events().onFailure(TurnWaiter.Silent.class).recoverWithCompletion().map(this::sseOf)))
                .onFailure(MessageIntake.Rejection.class).recoverWithItem(e -> errorEvent((MessageIntake.Rejection) e))
                .onTermination().invoke(() -> deliveries.forgetTurn(message, waiter));
    }

    /** A page of the session's history from the read model, oldest first; 404 for a session nobody owns. */
    @GET
    @Path("{id}/history")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> history(@PathParam("id") String sessionId,
                                 @QueryParam("limit") @DefaultValue("50") int limit,
                                 @QueryParam("offset") @DefaultValue("0") long offset) {
        if (limit < 1 || limit > 500 || offset < 0) {
            throw new MessageIntake.Rejection(400, "limit is 1 to 500 and offset 0 or more");
        }
        return intake.requireOwner(sessionId, user())
                .chain(() -> ReadModelOutage.guard("the history of session " + sessionId, history.page(sessionId, limit, offset)))
                .map(page -> Response.ok(page).build());
    }

    /**
     * Closes the session: 202 once the request is in Kafka, every time (closing a closed session again
     * runs no second {@code exit()}). What {@code exit()} answers reaches the session's followers;
     * {@code GET /api/sessions/{id}} shows {@code "closed"} once the close is folded into the read model.
     */
    @DELETE
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> close(@PathParam("id") String sessionId) {
        return intake.close(sessionId, user()).map(ok -> Response.accepted(EventCodec.mapper()
                .createObjectNode().put("sessionId", sessionId)).build());
    }

    /**
     * The session's status from the read model: {@code {"sessionId","status":"open"|"closed","channel",
     * "createdAt","lastActivityAt","closedAt"}}; 404 for a session nobody owns, 403 for another user's.
     */
    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> get(@PathParam("id") String sessionId) {
        return intake.requireOwner(sessionId, user())
                .chain(() -> ReadModelOutage.guard("the status of session " + sessionId, status.of(sessionId)))
                .map(found -> Response.ok(found).build());
    }

    /** The JSON answer: the turn's events as session-service wrote them, inside an envelope written here. */
    private static String answer(String sessionId, String messageId, List<OutboundFrame> events) {
        StringBuilder json = new StringBuilder(256 + events.stream().mapToInt(e -> e.json().length() + 1).sum());
        json.append("{\"sessionId\":").append(quoted(sessionId)).append(",\"messageId\":").append(quoted(messageId))
                .append(",\"events\":[");
        for (int i = 0; i < events.size(); i++) {
            json.append(i == 0 ? "" : ",").append(events.get(i).json());
        }
        return json.append("]}").toString();
    }

    private static String quoted(String text) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }

    /** The message is in Kafka: its turn will run, and a client that loses the stream from here need not send it again. */
    private OutboundSseEvent acceptedEvent(InboundMessage message) {
        return sse.newEventBuilder().name("accepted").data(EventCodec.mapper().createObjectNode()
                .put("sessionId", message.sessionId()).put("messageId", message.eventId())
                .put("at", message.timestamp().toString()).toString()).build();
    }

    private OutboundSseEvent errorEvent(MessageIntake.Rejection rejection) {
        return sse.newEventBuilder().name("error").data(EventCodec.mapper().createObjectNode()
                .put("status", rejection.status()).put("error", rejection.getMessage()).toString()).build();
    }

    private OutboundSseEvent sseOf(OutboundFrame event) {
        return sse.newEventBuilder().name(event.type()).id(String.valueOf(event.seq())).data(event.json()).build();
    }

    private UserRef user() {
        return users.of(token);
    }
}
