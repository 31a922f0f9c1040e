package dev.capsule.bench.capsule;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.util.concurrent.TimeUnit;

/**
 * The bench's connections to the gateway for Capsule's steps: one Vert.x event loop carries every
 * request, answer and chat socket, so that a message costs the generator no thread hand-off of its
 * own (see package-info). Opened once per run; each session has at most one request in flight, so
 * the pool holds a connection per session that is waiting for an answer.
 */
public final class GatewayConnections implements AutoCloseable {

    /** More than the sessions a step has waiting at once, so that a request never queues in the bench. */
    private static final int MAX_CONNECTIONS = 4096;

    final Vertx vertx;
    final HttpClient http;
    final WebSocketClient chat;

    public GatewayConnections(int gatewayPort) {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1)
                .setPreferNativeTransport(false));
        http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(gatewayPort)
                .setKeepAlive(true).setConnectTimeout(10_000),
                new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS).setMaxWaitQueueSize(-1));
        chat = vertx.createWebSocketClient(new WebSocketClientOptions().setDefaultHost("127.0.0.1")
                .setDefaultPort(gatewayPort).setConnectTimeout(10_000).setMaxConnections(MAX_CONNECTIONS));
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
