package dev.capsule.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A real redis-server process on a free port, without persistence, for one test JVM. */
public final class RedisServer implements AutoCloseable {

    private final int port;
    private final Path workDir;
    private Process process;

    private RedisServer(Process process, int port, Path workDir) {
        this.process = process;
        this.port = port;
        this.workDir = workDir;
    }

    public static RedisServer start(Path workDir) {
        int port = Ports.free();
        return new RedisServer(launch(port, workDir), port, workDir);
    }

    private static Process launch(int port, Path workDir) {
        try {
            Files.createDirectories(workDir);
            Path log = workDir.resolve("redis.log");
            Process p = new ProcessBuilder(List.of(ServerBinaries.redisServer().toString(),
                    "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                    "--dir", workDir.toString()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            Ports.awaitListening("redis-server", port, p, Duration.ofSeconds(20), log.toString());
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server", e);
        }
    }

    /**
     * Stops the server and starts an empty one on the same port: a Redis restart without
     * persistence, as a deployment may meet it. Only the JVM that started the server can.
     */
    public synchronized void restart() {
        if (process == null) {
            throw new IllegalStateException("the Redis server on port " + port + " was started by another class loader: restart it there");
        }
        close();
        process = launch(port, workDir);
    }

    /** The server another class loader of this JVM started (see {@link TestStack}); closing it is that loader's job. */
    static RedisServer attach(int port) {
        return new RedisServer(null, port, null);
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public synchronized void close() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
