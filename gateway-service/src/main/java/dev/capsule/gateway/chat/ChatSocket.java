package dev.capsule.gateway.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capsule.events.EventCodec;
import dev.capsule.events.InboundMessage;
import dev.capsule.gateway.delivery.OutboundFrame;
import dev.capsule.events.TraceContext;
import dev.capsule.events.UserRef;
import dev.capsule.gateway.auth.CurrentUser;
import dev.capsule.gateway.delivery.Deliveries;
import dev.capsule.gateway.delivery.OutboundReplay;
import dev.capsule.gateway.inbound.MessageIntake;
import dev.capsule.gateway.limits.LimitsConfig;
import dev.capsule.gateway.limits.RateLimits;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.UserData.TypedKey;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Web chat: one socket per browser tab, any number of sessions on it. Frames in:
 * <ul>
 * <li>{@code {"type":"message","sessionId":"…","text":"…","clientId":"…"}} sends a message; with a
 *     {@code clientId}, once Kafka has it, the socket answers {@code {"type":"accepted","sessionId":…,"messageId":…,"clientId":…,"at":…}}
 *     ({@code clientId} is the page's own, optional; {@code messageId} is what the turn's events
 *     name as {@code inReplyTo}; {@code at} the gateway's time, where a resume may start);</li>
 * <li>{@code {"type":"message","sessionId":"…","action":{"value":"…","label":"…"},"clientId":"…"}} sends the
 *     press of a button (a task card's action, a choice) instead of text, answered alike; the handler sees
 *     the value in {@code Message.action()}, the history shows the label;</li>
 * <li>{@code {"type":"cancel","sessionId":"…","messageId":"…"}} stops the answer to that message
 *     if it is still running (the page's Stop): its stream ends as cancelled;</li>
 * <li>{@code {"type":"close","sessionId":"…"}} closes the session once the messages sent before it are
 *     answered: the app's {@code exit()} runs (what it answers comes as events of the session); the next
 *     message opens it again;</li>
 * <li>{@code {"type":"follow","sessionId":"…"}} only subscribes, to a session of the user's
 *     (one nobody owns answers 404: following claims nothing);</li>
 * <li>{@code {"type":"resume","sessionId":"…","after":<seq>,"since":"<timestamp>"}} subscribes
 *     after a drop, on any replica: first every event after {@code after}, then live ones,
 *     each once, then {@code {"type":"resumed",…}} ({@link #resume}).</li>
 * </ul>
 * Every outbound event of a followed session comes back as its event JSON, which carries type,
 * sessionId and seq. A refused frame gets
 * {@code {"type":"error","sessionId":…,"status":…,"message":"<why>"}} and the socket stays
 * open, so that one bad message does not cost the user their other sessions.
 *
 * <p>The upgrade needs a bearer JWT ({@link Authenticated}: 401 without one), in the
 * Authorization header or, from browsers, in an {@code access_token.<JWT>} subprotocol or the
 * {@code access_token} query parameter ({@link AccessTokenParameter}). The socket closes (1008, {@value #TOKEN_EXPIRED}) when that token expires.
 */
@WebSocket(path = ChatSocket.PATH)
@Authenticated
public class ChatSocket {

    static final String PATH = "/ws/chat";

    /** RFC 6455 close code for a policy violation: here, a valid token that names no user. */
    private static final int POLICY_VIOLATION = 1008;
    private static final int MESSAGE_TOO_BIG = 1009;
    private static final TypedKey<Follows> FOLLOWS = new TypedKey<>("capsule.chat.follows");
    private static final TypedKey<Long> EXPIRY = new TypedKey<>("capsule.chat.expiry");
    /** The close reason of a socket whose token expired. */
    public static final String TOKEN_EXPIRED = "token expired: connect again with a fresh token";
    private static final Logger LOG = Logger.getLogger(ChatSocket.class);

    private final MessageIntake intake;
    private final Deliveries deliveries;
    private final OutboundReplay replay;
    private final SecurityIdentity identity;
    private final CurrentUser users;
    private final Vertx vertx;
    private final RateLimits limits;
    private final LimitsConfig limitsConfig;
    private final int maxFrameBytes;

    ChatSocket(MessageIntake intake, Deliveries deliveries, OutboundReplay replay, SecurityIdentity identity, CurrentUser users, Vertx vertx,
               RateLimits limits, LimitsConfig limitsConfig,
               @ConfigProperty(name = "quarkus.websockets-next.server.max-message-size") int maxFrameBytes) {
        this.intake = intake;
        this.maxFrameBytes = maxFrameBytes;
        this.vertx = vertx;
        this.limits = limits;
        this.limitsConfig = limitsConfig;
        this.deliveries = deliveries;
        this.replay = replay;
        this.identity = identity;
        this.users = users;
    }

    @OnOpen
    Uni<Void> open(WebSocketConnection connection) {
        UserRef user;
        JsonWebToken token = (JsonWebToken) identity.getPrincipal();
        try {
            user = users.of(token);
        } catch (IllegalArgumentException e) {
            return connection.close(new CloseReason(POLICY_VIOLATION, e.getMessage()));
        }
        if (!limits.openSocket(user.id())) {
            return connection.close(new CloseReason(POLICY_VIOLATION, "too many chat sockets: at most "
                    + limitsConfig.socketsPerUser() + " for one user on this gateway; close one and connect again"));
        }
        connection.userData().put(FOLLOWS, new Follows(user, connection, deliveries, limitsConfig.sessionsPerSocket(),
                limitsConfig.socketUnsentBytes()));
        closeWhenExpired(connection, token);
        return Uni.createFrom().voidItem();
    }

    /**
     * A frame over {@code quarkus.websockets-next.server.max-message-size} (1 MiB) reaches here as the
     * IllegalStateException Vert.x raises while reading it: the socket closes with 1009 (too big) and a
     * reason, rather than the 1011 an unhandled error would give. No other IllegalStateException gets here:
     * each frame's own failures are answered with an error frame.
     */
    @OnError
    Uni<Void> unreadable(IllegalStateException e, WebSocketConnection connection) {
        LOG.debugf("chat socket: a frame could not be read (%s); closing with 1009", e.getMessage());
        return connection.close(new CloseReason(MESSAGE_TOO_BIG, "a frame is at most " + maxFrameBytes
                + " bytes, and a message's text far less (capsule.gateway.max-message-bytes); connect again"));
    }

    /**
     * A socket is as good as the token that opened it: when the token expires, the socket closes with
     * 1008 and a reason that says to connect again with a fresh token (the web chat does). A token
     * without {@code exp} never expires.
     */
    private void closeWhenExpired(WebSocketConnection connection, JsonWebToken token) {
        long expiresAtMillis = token.getExpirationTime() * 1000;
        if (expiresAtMillis <= 0) {
            return;
        }
        long timer = vertx.setTimer(Math.max(1, expiresAtMillis - System.currentTimeMillis()), id -> {
            LOG.debugf("chat socket of user %s: token expired; closing", token.getSubject());
            connection.close(new CloseReason(POLICY_VIOLATION, TOKEN_EXPIRED)).subscribe().with(ok -> { },
                    failure -> LOG.debugf("closing a socket whose token expired: %s", failure.getMessage()));
        });
        connection.userData().put(EXPIRY, timer);
    }

    /**
     * One frame. A connection's frames are handled one at a time (the endpoint's default serial
     * mode, which waits for the returned Uni), so its messages reach Kafka in the order they were
     * sent, and a message sent after a resume waits until the resume's replay has been sent.
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
                    case "resume" -> resume(sessionId, frame, follows, connection);
                    case "cancel" -> intake.cancel(sessionId, follows.user, frame.path("messageId").textValue());
                    case "close" -> intake.close(sessionId, follows.user);
                    case "message" -> {
                        MessageIntake.Content content = intake.contentOf(frame);
                        String clientId = frame.path("clientId").textValue();
                        // The claim checks the session id first; follow before publishing, so that no event of this
                        // turn can arrive before the listener.
                        yield intake.claimForMessage(sessionId, follows.user).invoke(() -> follows.add(sessionId))
                                .chain(() -> {
                                    InboundMessage inbound = intake.message(sessionId, follows.user, "web", content, TraceContext.NONE);
                                    return intake.publish(inbound)
                                            .chain(() -> clientId == null ? Uni.createFrom().voidItem()
                                                    : connection.sendText(EventCodec.mapper().createObjectNode()
                                                            .put("type", "accepted").put("sessionId", sessionId)
                                                            .put("messageId", inbound.eventId())
                                                            .put("at", inbound.timestamp().toString())
                                                            .put("clientId", clientId).toString()));
                                });
                    }
                    default -> Uni.createFrom().failure(new MessageIntake.Rejection(400,
                            "a frame is {\"type\":\"message\",\"sessionId\":\"...\",\"text\":\"...\"}"
                                    + " (or with \"action\":{\"value\":\"...\",\"label\":\"...\"} for a pressed button),"
                                    + " {\"type\":\"follow\",\"sessionId\":\"...\"},"
                                    + " {\"type\":\"cancel\",\"sessionId\":\"...\",\"messageId\":\"...\"}"
                                    + ", {\"type\":\"close\",\"sessionId\":\"...\"}"
                                    + " or {\"type\":\"resume\",\"sessionId\":\"...\",\"after\":<seq>,\"since\":\"<instant>\"}"));
                })
                .onFailure().recoverWithUni(failure -> error(connection, sessionId, failure));
    }

    @OnClose
    void close(WebSocketConnection connection) {
        Long expiry = connection.userData().get(EXPIRY);
        if (expiry != null) {
            vertx.cancelTimer(expiry);
        }
        Follows follows = connection.userData().get(FOLLOWS);
        if (follows != null) {
            follows.close();
            limits.closeSocket(follows.user.id());
        }
    }

    /**
     * Ownership is checked on every frame, as the API does on every request; following claims nothing.
     * A session of the user's own in which no message has been accepted yet has no events to follow,
     * and its claim may still lapse and pass to another user: the follow is registered by the socket's
     * first message in it (which makes the claim final), not here, so no socket keeps following an id
     * that has changed hands.
     */
    private Uni<Void> follow(String sessionId, Follows follows) {
        return intake.requireOwner(sessionId, follows.user).invoke(isFinal -> {
            if (isFinal) {
                follows.add(sessionId);
            }
        }).replaceWithVoid();
    }

    /**
     * Follows the session again after a drop, from the seq the page saw last: the events after it
     * are read back from Kafka while live ones are held, then both are sent merged by seq, and
     * {@code {"type":"resumed","sessionId":…,"after":…,"replayed":n,"complete":…}} says so. Not
     * complete (the page was away too long, or Kafka could not be read): the page reloads the
     * history. See {@link dev.capsule.gateway.delivery} for why the replay comes from Kafka.
     */
    private Uni<Void> resume(String sessionId, JsonNode frame, Follows follows, WebSocketConnection connection) {
        JsonNode after = frame.path("after");
        if (!after.canConvertToLong() || after.asLong() < 0) {
            return Uni.createFrom().failure(new MessageIntake.Rejection(400, "a resume needs \"after\": the last seq seen, 0 for none"));
        }
        long afterSeq = after.asLong();
        Instant since;
        try {
            since = frame.path("since").isTextual() ? Instant.parse(frame.get("since").textValue()) : null;
        } catch (DateTimeParseException e) {
            return Uni.createFrom().failure(new MessageIntake.Rejection(400,
                    "\"since\" is the timestamp of the last event seen, e.g. 2026-11-24T12:00:00Z"));
        }
        return intake.requireOwner(sessionId, follows.user).chain(isFinal -> {
            if (!isFinal) {
                // No message accepted in it yet: nothing to replay, and nothing registered (see follow).
                return Uni.createFrom().item(() -> follows.resumedWithoutEvents(sessionId, afterSeq));
            }
            follows.hold(sessionId, afterSeq);
            return Uni.createFrom().item(() -> replay.after(sessionId, afterSeq, since))
                    .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                    .onFailure().recoverWithItem(failure -> {
                        // Live events still flow; what was missed, the page reads from the history.
                        LOG.warnf("replaying session %s for a resuming chat socket failed: %s", sessionId, failure.getMessage());
                        return new OutboundReplay.Replay(List.of(), false);
                    })
                    .map(found -> follows.release(sessionId, afterSeq, found));
        }).replaceWithVoid();
    }

    private Uni<Void> error(WebSocketConnection connection, String sessionId, Throwable failure) {
        int status;
        String why;
        if (failure instanceof MessageIntake.Rejection rejection) {
            status = rejection.status();
            why = rejection.getMessage();
        } else {
            // Kafka failed: nothing was accepted, the user may send again, the socket keeps working.
            LOG.errorf(failure, "chat frame for session %s failed", sessionId);
            status = 503;
            why = "the message was not accepted; send it again";
        }
        return connection.sendText(EventCodec.mapper().createObjectNode().put("type", "error")
                .put("sessionId", sessionId).put("status", status).put("message", why).toString());
    }

    /**
     * The sessions one connection follows, each registered once with the one listener that
     * forwards their events, each with the last seq sent: an event at or below it is not sent
     * again (a turn run again after a crash repeats seqs; a replay overlaps the live feed). While
     * a session resumes, its live events are held and sent after the replay, merged by seq.
     * Closing unfollows them all; a follow that loses the race with the close is not registered,
     * so no listener outlives its socket. The lock orders the feed thread's sends and a replay's.
     */
    private static final class Follows {

        private final UserRef user;
        private final WebSocketConnection connection;
        private final Deliveries deliveries;
        private final Consumer<OutboundFrame> listener;
        private final Map<String, Followed> sessions = new HashMap<>();
        private final int maxSessions;
        private final long maxUnsent;
        /** Characters of frames handed to the socket and not yet written: how far behind its reader is. */
        private final AtomicLong unsent = new AtomicLong();
        private boolean closed;

        Follows(UserRef user, WebSocketConnection connection, Deliveries deliveries, int maxSessions, long maxUnsent) {
            this.user = user;
            this.maxSessions = maxSessions;
            this.maxUnsent = maxUnsent;
            this.connection = connection;
            this.deliveries = deliveries;
            // Runs on the outbound feed's thread: send without waiting, so a slow socket holds up no other user.
            this.listener = this::onEvent;
        }

        private synchronized void onEvent(OutboundFrame event) {
            Followed followed = sessions.get(event.sessionId());
            if (followed == null) {
                return;
            }
            if (followed.held != null) {
                followed.held.add(event);
            } else {
                sendIfFresh(followed, event);
            }
        }

        /** Refuses a session past the socket's limit, with 429: the socket goes on with the ones it follows. */
        private void requireRoomFor(String sessionId) {
            if (maxSessions > 0 && sessions.size() >= maxSessions && !sessions.containsKey(sessionId)) {
                throw new MessageIntake.Rejection(429, "this socket follows " + maxSessions
                        + " sessions, as many as one socket may; open another socket for more");
            }
        }

        synchronized void add(String sessionId) {
            requireRoomFor(sessionId);
            if (!closed && !sessions.containsKey(sessionId)) {
                sessions.put(sessionId, new Followed(0));
                deliveries.follow(sessionId, listener);
            }
        }

        /** Follows {@code sessionId} from {@code afterSeq} on, holding its live events until {@link #release}. */
        synchronized void hold(String sessionId, long afterSeq) {
            if (closed) {
                return;
            }
            requireRoomFor(sessionId);
            Followed followed = sessions.get(sessionId);
            if (followed == null) {
                sessions.put(sessionId, followed = new Followed(afterSeq));
                deliveries.follow(sessionId, listener);
            }
            if (followed.held == null) {
                followed.held = new ArrayList<>();
            }
        }

        /** Sends the replay, then the held live events, each seq once and in order; from then on events go live. */
        synchronized Void release(String sessionId, long afterSeq, OutboundReplay.Replay replay) {
            Followed followed = sessions.get(sessionId);
            if (followed == null) {
                return null; // closed meanwhile
            }
            List<OutboundFrame> all = new ArrayList<>(replay.events());
            all.addAll(followed.held);
            all.sort(Comparator.comparingLong(OutboundFrame::seq));
            followed.held = null;
            int sent = 0;
            for (OutboundFrame event : all) {
                if (sendIfFresh(followed, event)) {
                    sent++;
                }
            }
            LOG.debugf("chat connection %s resumed session %s after seq %d: %d events sent, complete %s",
                    connection.id(), sessionId, afterSeq, sent, replay.complete());
            send(resumed(sessionId, afterSeq, sent, replay.complete()), sessionId);
            return null;
        }

        /** Answers a resume of a session that has no events yet, and registers nothing (see {@code follow}). */
        synchronized Void resumedWithoutEvents(String sessionId, long afterSeq) {
            if (!closed) {
                send(resumed(sessionId, afterSeq, 0, true), sessionId);
            }
            return null;
        }

        private static String resumed(String sessionId, long afterSeq, int replayed, boolean complete) {
            return EventCodec.mapper().createObjectNode().put("type", "resumed").put("sessionId", sessionId)
                    .put("after", afterSeq).put("replayed", replayed).put("complete", complete).toString();
        }

        private boolean sendIfFresh(Followed followed, OutboundFrame event) {
            if (event.seq() <= followed.lastSeq) {
                return false;
            }
            followed.lastSeq = event.seq();
            send(event.json(), event.type() + " " + event.seq() + " of session " + event.sessionId());
            return true;
        }

        private void send(String frame, String what) {
            if (closed) {
                return;
            }
            long waiting = unsent.addAndGet(frame.length());
            if (maxUnsent > 0 && waiting > maxUnsent) {
                unsent.addAndGet(-frame.length());
                dropSlowReader(waiting);
                return;
            }
            connection.sendText(frame).subscribe().with(
                    sent -> unsent.addAndGet(-frame.length()),
                    failure -> {
                        unsent.addAndGet(-frame.length());
                        LOG.debugf("%s not sent to chat connection %s: %s", what, connection.id(), failure.getMessage());
                    });
        }

        /**
         * Closes a socket whose reader is too slow, rather than hold ever more frames for it: its sessions are
         * unfollowed at once, and the client that connects again resumes from the last seq it saw.
         */
        private void dropSlowReader(long waiting) {
            LOG.warnf("chat connection %s of user %s reads too slowly: %d bytes of frames wait to be written "
                    + "(capsule.gateway.limits.socket-unsent-bytes=%d); closing it", connection.id(), user.id(), waiting, maxUnsent);
            close();
            connection.close(new CloseReason(POLICY_VIOLATION, "too slow: more than " + maxUnsent
                    + " bytes of events wait for this socket; connect again and resume from the last seq you saw"))
                    .subscribe().with(ok -> { },
                            failure -> LOG.debugf("closing slow chat connection %s: %s", connection.id(), failure.getMessage()));
        }

        synchronized void close() {
            closed = true;
            sessions.keySet().forEach(id -> deliveries.unfollow(id, listener));
            sessions.clear();
        }
    }

    /** One followed session: the last seq sent, and the live events held while it resumes (null when live). */
    private static final class Followed {

        long lastSeq;
        List<OutboundFrame> held;

        Followed(long lastSeq) {
            this.lastSeq = lastSeq;
        }
    }
}
