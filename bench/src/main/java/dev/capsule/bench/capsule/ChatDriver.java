package dev.capsule.bench.capsule;

import io.vertx.core.Future;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Sends the chat sessions' messages over sockets opened before the step starts, several sessions on each. */
final class ChatDriver implements AutoCloseable {

    private final List<ChatConnection> connections = new ArrayList<>();
    private final Map<SessionLedger, ChatConnection> bySession = new IdentityHashMap<>();

    static ChatDriver connect(GatewayConnections gateway, String token, List<SessionLedger> sessions,
                              int sessionsPerSocket, StepMetrics metrics) throws Exception {
        ChatDriver driver = new ChatDriver();
        List<Future<?>> opening = new ArrayList<>();
        for (int from = 0; from < sessions.size(); from += sessionsPerSocket) {
            List<SessionLedger> group = sessions.subList(from, Math.min(sessions.size(), from + sessionsPerSocket));
            Map<String, SessionLedger> byId = new HashMap<>();
            group.forEach(s -> byId.put(s.id, s));
            ChatConnection connection = new ChatConnection(byId, metrics);
            group.forEach(s -> driver.bySession.put(s, connection));
            driver.connections.add(connection);
            opening.add(gateway.chat.connect(new WebSocketConnectOptions().setURI("/ws/chat")
                            .addHeader("Authorization", "Bearer " + token))
                    .onSuccess(connection::attach));
        }
        Future.all(opening).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        return driver;
    }

    /** On the event loop, from the open loop ({@link GatewayConnections#openLoop}). */
    void submit(SentMessage m) {
        bySession.get(m.session).send(m);
    }

    @Override
    public void close() {
        connections.forEach(ChatConnection::close);
    }
}
