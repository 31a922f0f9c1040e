package dev.capsule.bench.capsule;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Sends the chat sessions' messages over sockets opened before the step starts, several sessions on each. */
final class ChatDriver implements AutoCloseable {

    private final List<ChatConnection> connections = new ArrayList<>();
    private final Map<SessionLedger, ChatConnection> bySession = new IdentityHashMap<>();

    static ChatDriver connect(HttpClient client, String gatewayWs, String token, List<SessionLedger> sessions,
                              int sessionsPerSocket, StepMetrics metrics) throws Exception {
        ChatDriver driver = new ChatDriver();
        List<CompletableFuture<?>> opening = new ArrayList<>();
        for (int from = 0; from < sessions.size(); from += sessionsPerSocket) {
            List<SessionLedger> group = sessions.subList(from, Math.min(sessions.size(), from + sessionsPerSocket));
            Map<String, SessionLedger> byId = new HashMap<>();
            group.forEach(s -> byId.put(s.id, s));
            ChatConnection connection = new ChatConnection(byId, metrics);
            group.forEach(s -> driver.bySession.put(s, connection));
            driver.connections.add(connection);
            opening.add(client.newWebSocketBuilder()
                    .header("Authorization", "Bearer " + token)
                    .buildAsync(URI.create(gatewayWs + "/ws/chat"), connection)
                    .thenAccept(connection::attach));
        }
        CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        return driver;
    }

    void submit(SentMessage m) {
        bySession.get(m.session).send(m);
    }

    @Override
    public void close() {
        connections.forEach(ChatConnection::close);
    }
}
