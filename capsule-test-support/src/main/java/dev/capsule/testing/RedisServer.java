package dev.capsule.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A real redis-server process on a free port, without persistence, for one test JVM. */
public final class RedisServer implements AutoCloseable {

    private final Process process;
    private final int port;

    private RedisServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static RedisServer start(Path workDir) {
        int port = Ports.free();
        try {
            Files.createDirectories(workDir);
            Path log = workDir.resolve("redis.log");
            Process p = new ProcessBuilder(List.of(ServerBinaries.redisServer().toString(),
                    "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                    "--dir", workDir.toString()))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Ports.awaitListening("redis-server", port, p, Duration.ofSeconds(20), log.toString());
            return new RedisServer(p, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server", e);
        }
    }

    /** The server another class loader of this JVM started (see {@link TestStack}); closing it is that loader's job. */
    static RedisServer attach(int port) {
        return new RedisServer(null, port);
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void close() {
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
