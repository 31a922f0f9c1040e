package dev.capsule.bench.capsule;

import dev.capsule.bench.load.OpenLoop;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.impl.ContextInternal;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

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
    /** The one event loop: every exchange starts on it, so that its answer's handlers are set before the answer can come. */
    final Context loop;
    final HttpClient http;
    final WebSocketClient chat;

    public GatewayConnections(int gatewayPort) {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1)
                .setPreferNativeTransport(true));
        http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(gatewayPort)
                .setKeepAlive(true).setConnectTimeout(10_000),
                new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS).setMaxWaitQueueSize(-1));
        if (!vertx.isNativeTransportEnabled()) {
            System.out.println("  (no epoll here: " + vertx.unavailableNativeTransportCause()
                    + "; the open loop's timers round up to the millisecond, and sends may leave up to 1 ms after they are due)");
        }
        loop = vertx.getOrCreateContext();
        chat = vertx.createWebSocketClient(new WebSocketClientOptions().setDefaultHost("127.0.0.1")
                .setDefaultPort(gatewayPort).setConnectTimeout(10_000).setMaxConnections(MAX_CONNECTIONS));
    }

    /**
     * Starts {@code exchange} on the event loop. Begun on another thread, a request's answer can arrive before
     * the handlers for its body are set, and the body is then lost.
     */
    <T> Future<T> onLoop(Supplier<Future<T>> exchange) {
        Promise<T> result = Promise.promise();
        loop.runOnContext(ignored -> exchange.get().onComplete(result));
        return result.future();
    }

    /** The gateway's answer to one of the bench's reads or closes: its HTTP status and body. */
    record Answer(int status, Buffer body) {
    }

    /**
     * {@code method} on {@code uri} as the user whose {@code authorization} header it carries, the whole answer read; call it
     * on the event loop ({@link #onLoop}). The history read-back, the persistence probes and the closes ask this way.
     */
    Future<Answer> ask(HttpMethod method, String uri, String authorization, long idleTimeoutMillis) {
        RequestOptions options = new RequestOptions().setMethod(method).setURI(uri).putHeader("Authorization", authorization)
                .setIdleTimeout(idleTimeoutMillis);
        return http.request(options)
                .compose(request -> request.send())
                .compose(response -> response.body().map(body -> new Answer(response.statusCode(), body)));
    }

    /**
     * The step's open loop, on the event loop ({@link LoopSends}): {@code send} runs there for each of {@code count}
     * messages at its due time. Returns when the last has been sent; fails if that takes {@code slack} past the
     * sending window, which only a generator that cannot keep up would need.
     */
    void openLoop(long startNanos, double ratePerSecond, int count, Duration slack, OpenLoop.Send send) throws Exception {
        long window = OpenLoop.end(startNanos, ratePerSecond, count) - System.nanoTime();
        try {
            LoopSends.run((ContextInternal) loop, startNanos, ratePerSecond, count, send).toCompletionStage().toCompletableFuture()
                    .get(Math.max(0, window) + slack.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the bench's event loop had not sent its " + count + " messages " + slack.toSeconds()
                    + " s after the sending window: the load generator cannot keep up with " + ratePerSecond + " msg/s here", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a send of the open loop failed: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
