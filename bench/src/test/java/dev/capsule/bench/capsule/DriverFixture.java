package dev.capsule.bench.capsule;

import dev.capsule.bench.load.MessageKind;
import dev.capsule.bench.load.Planned;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A server in front of the bench's drivers, in this JVM, and the bench's connections to it. */
final class DriverFixture implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    final GatewayConnections connections;

    DriverFixture(Handler<HttpServerRequest> requests, Handler<ServerWebSocket> sockets) throws Exception {
        HttpServer server = vertx.createHttpServer().requestHandler(requests).webSocketHandler(sockets)
                .listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        connections = new GatewayConnections(server.actualPort());
    }

    /** Message {@code position} of {@code ledger}'s session, plain text, the way a step plans it. */
    static SentMessage message(SessionLedger ledger, int position) {
        SentMessage m = new SentMessage(ledger, new Planned(position, 0, position, MessageKind.PLAIN, "hello 0." + position), false);
        ledger.messages.add(m);
        return m;
    }

    /** {@code messages} handed to {@code submit} at once, through the open loop on the drivers' event loop, as a step sends them. */
    void sendAll(List<SentMessage> messages, Consumer<SentMessage> submit) throws Exception {
        connections.openLoop(System.nanoTime(), 1e6, messages.size(), Duration.ofSeconds(10), (i, due) -> {
            messages.get(i).due = due;
            submit.accept(messages.get(i));
        });
    }

    @Override
    public void close() throws Exception {
        connections.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
