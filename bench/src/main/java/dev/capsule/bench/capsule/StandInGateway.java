package dev.capsule.bench.capsule;

import dev.capsule.events.EventCodec;
import dev.capsule.events.EventMeta;
import dev.capsule.events.Reply;
import dev.capsule.events.TraceContext;
import dev.capsule.events.TurnEnded;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers messages as the gateway and the demo app do for plain text, with nothing behind it: the
 * turn's numbered reply ({@code #n: text}) and its end, as one JSON answer, as server-sent events
 * after {@code accepted}, or as frames on a chat socket. The generator check runs the bench's
 * drivers against it in a process of its own, so that what the bench's process spends is the
 * generator's alone; the drivers' tests use it too.
 */
public final class StandInGateway {

    private final Map<String, Integer> turns = new ConcurrentHashMap<>();

    /** Serves on {@code port} (0: any free port) until the JVM ends. */
    public static Future<HttpServer> start(Vertx vertx, int port) {
        StandInGateway answers = new StandInGateway();
        return vertx.createHttpServer().requestHandler(answers::answer).webSocketHandler(answers::chat).listen(port);
    }

    /** Serves on a free port, prints it, and runs until stdin closes (its parent process went away). */
    public static void main(String[] args) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        HttpServer server = start(vertx, 0).toCompletionStage().toCompletableFuture().get();
        System.out.println(server.actualPort());
        System.out.flush();
        while (System.in.read() >= 0) {
            // the parent holds our stdin open while it needs us
        }
        System.exit(0);
    }

    /** {@code POST /api/sessions/{id}/messages}: JSON or server-sent events, as the request's Accept asks. */
    void answer(HttpServerRequest request) {
        String[] path = request.path().split("/");
        if (request.method().name().equals("POST") && path.length == 5 && path[4].equals("messages")) {
            request.body().onSuccess(body -> {
                String[] events = turn(path[3], body.toJsonObject().getString("text"));
                if ("text/event-stream".equals(request.getHeader("Accept"))) {
                    request.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
                    request.response().write("event: accepted\ndata: {}\n\n");
                    request.response().write("event: reply\ndata: " + events[0] + "\n\n");
                    request.response().end("event: turn.ended\ndata: " + events[1] + "\n\n");
                } else {
                    request.response().putHeader("Content-Type", "application/json")
                            .end("{\"events\":[" + events[0] + "," + events[1] + "]}");
                }
            });
        } else {
            request.response().setStatusCode(404).end("{\"error\":\"the stand-in answers only messages\"}");
        }
    }

    /** {@code /ws/chat}: each {@code message} frame answered on the socket. */
    void chat(ServerWebSocket socket) {
        socket.textMessageHandler(frame -> chatFrame(socket, new JsonObject(frame)));
    }

    /** One {@code message} frame of a chat socket, answered on it. */
    void chatFrame(ServerWebSocket socket, JsonObject message) {
        for (String event : turn(message.getString("sessionId"), message.getString("text"))) {
            socket.writeTextMessage(event);
        }
    }

    /** The next turn of {@code sessionId}: its reply and its end, as the gateway sends them. */
    private String[] turn(String sessionId, String text) {
        int n = turns.merge(sessionId, 1, Integer::sum);
        String reply = EventCodec.encodeToString(Reply.of(EventMeta.next(sessionId, TraceContext.NONE), "t" + n,
                2L * n - 1, "api", null, "#" + n + ": " + text));
        String ended = EventCodec.encodeToString(TurnEnded.of(EventMeta.next(sessionId, TraceContext.NONE), "t" + n,
                2L * n, "api", null, 1));
        return new String[] {reply, ended};
    }
}
