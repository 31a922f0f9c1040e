package dev.capsule.gateway.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capsule.events.EventCodec;
import dev.capsule.events.OutboundEvent;
import dev.capsule.events.TraceContext;
import dev.capsule.events.UserRef;
import dev.capsule.gateway.auth.CurrentUser;
import dev.capsule.gateway.delivery.Deliveries;
import dev.capsule.gateway.inbound.MessageIntake;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.UserData.TypedKey;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * Web chat: one socket per browser tab, any number of sessions on it. The frame
 * {@code {"type":"message","sessionId":"…","text":"…"}} sends a message and
 * {@code {"type":"follow","sessionId":"…"}} only subscribes; every outbound event of a followed
 * session comes back as its event JSON, which carries type, sessionId and seq. A refused frame
 * gets {@code {"type":"error","sessionId":…,"status":…,"message":"<why>"}} and the socket stays
 * open, so that one bad message does not cost the user their other sessions.
 *
 * <p>The upgrade needs a bearer JWT ({@link Authenticated}: 401 without one), in the
 * Authorization header or, from browsers, in the {@code access_token} query parameter
 * ({@link AccessTokenParameter}).
 */
@WebSocket(path = ChatSocket.PATH)
@Authenticated
public class ChatSocket {

    static final String PATH = "/ws/chat";

    /** RFC 6455 close code for a policy violation: here, a valid token that names no user. */
    private static final int POLICY_VIOLATION = 1008;
    private static final TypedKey<Follows> FOLLOWS = new TypedKey<>("capsule.chat.follows");
    private static final Logger LOG = Logger.getLogger(ChatSocket.class);

    private final MessageIntake intake;
    private final Deliveries deliveries;
    private final SecurityIdentity identity;

    ChatSocket(MessageIntake intake, Deliveries deliveries, SecurityIdentity identity) {
        this.intake = intake;
        this.deliveries = deliveries;
        this.identity = identity;
    }

    @OnOpen
    Uni<Void> open(WebSocketConnection connection) {
        UserRef user;
        try {
            user = CurrentUser.from((JsonWebToken) identity.getPrincipal());
        } catch (IllegalArgumentException e) {
            return connection.close(new CloseReason(POLICY_VIOLATION, e.getMessage()));
        }
        connection.userData().put(FOLLOWS, new Follows(user, connection, deliveries));
        return Uni.createFrom().voidItem();
    }

    /**
     * One frame. A connection's frames are handled one at a time (the endpoint's default serial
     * mode, which waits for the returned Uni), so its messages reach Kafka in the order they were sent.
     */
    @OnTextMessage
    Uni<Void> frame(String text, WebSocketConnection connection) {
        JsonNode frame;
        try {
            frame = intake.readObject(MessageIntake.bytes(text));
        } catch (MessageIntake.Rejection e) {
            return error(connection, null, e);
        }
        String sessionId = frame.path("sessionId").textValue();
        Follows follows = connection.userData().get(FOLLOWS);
        return Uni.createFrom().deferred(() -> switch (frame.path("type").asText()) {
                    case "follow" -> follow(sessionId, follows);
                    case "message" -> {
                        String message = intake.textOf(frame);
                        // Follow before publishing, so that no event of this turn can arrive before the listener.
                        yield follow(sessionId, follows)
                                .map(ok -> intake.message(sessionId, follows.user, "web", message, TraceContext.NONE))
                                .chain(intake::publish);
                    }
                    default -> Uni.createFrom().failure(new MessageIntake.Rejection(400,
                            "a frame is {\"type\":\"message\",\"sessionId\":\"...\",\"text\":\"...\"}"
                                    + " or {\"type\":\"follow\",\"sessionId\":\"...\"}"));
                })
                .onFailure().recoverWithUni(failure -> error(connection, sessionId, failure));
    }

    @OnClose
    void close(WebSocketConnection connection) {
        Follows follows = connection.userData().get(FOLLOWS);
        if (follows != null) {
            follows.close();
        }
    }

    /** Ownership is checked (and an unused session id claimed) on every frame, as the API does on every request. */
    private Uni<Void> follow(String sessionId, Follows follows) {
        return intake.checkOwner(sessionId, follows.user).invoke(() -> follows.add(sessionId));
    }

    private Uni<Void> error(WebSocketConnection connection, String sessionId, Throwable failure) {
        int status;
        String why;
        if (failure instanceof MessageIntake.Rejection rejection) {
            status = rejection.status();
            why = rejection.getMessage();
        } else {
            // Redis or Kafka failed: nothing was accepted, the user may send again, the socket keeps working.
            LOG.errorf(failure, "chat frame for session %s failed", sessionId);
            status = 503;
            why = "the message was not accepted; send it again";
        }
        return connection.sendText(EventCodec.mapper().createObjectNode().put("type", "error")
                .put("sessionId", sessionId).put("status", status).put("message", why).toString());
    }

    /**
     * The sessions one connection follows, each registered once with the one listener that
     * forwards their events. Closing unfollows them all; a follow that loses the race with the
     * close is not registered, so no listener outlives its socket.
     */
    private static final class Follows {

        private final UserRef user;
        private final Deliveries deliveries;
        private final Consumer<OutboundEvent> listener;
        private final Set<String> sessions = new HashSet<>();
        private boolean closed;

        Follows(UserRef user, WebSocketConnection connection, Deliveries deliveries) {
            this.user = user;
            this.deliveries = deliveries;
            // Runs on the outbound feed's thread: send without waiting, so a slow socket holds up no other user.
            // Sends from that one thread keep the feed's order on the socket.
            this.listener = event -> {
                if (!fresh(event)) {
                    return; // a turn run again after a crash repeats seqs this socket has shown
                }
                connection.sendText(EventCodec.encodeToString(event)).subscribe().with(
                        sent -> { },
                        failure -> LOG.debugf("event %s not sent to chat connection %s: %s",
                                event.eventId(), connection.id(), failure.getMessage()));
            };
        }

        private final java.util.Map<String, Long> lastSeq = new java.util.HashMap<>();

        /** True the first time this connection sees the session's {@code seq} (called on the feed's one thread). */
        private boolean fresh(OutboundEvent event) {
            Long last = lastSeq.get(event.sessionId());
            if (last != null && event.seq() <= last) {
                return false;
            }
            lastSeq.put(event.sessionId(), event.seq());
            return true;
        }

        synchronized void add(String sessionId) {
            if (!closed && sessions.add(sessionId)) {
                deliveries.follow(sessionId, listener);
            }
        }

        synchronized void close() {
            closed = true;
            sessions.forEach(id -> deliveries.unfollow(id, listener));
            sessions.clear();
        }
    }
}
