package dev.capsule.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real PostgreSQL server process on a free port, in a fresh data folder, with a
 * {@code capsule} database. PostgreSQL refuses to run as root, so as root it runs as the
 * {@code postgres} user that Debian's package creates. Durability is off: tests need speed,
 * not crash safety of the test database.
 */
public final class PostgresServer implements AutoCloseable {

    public static final String DATABASE = "capsule";
    public static final String USER = "capsule";
    public static final String PASSWORD = "capsule";

    private final Process process;
    private final int port;
    private final Path workDir;

    private PostgresServer(Process process, int port, Path workDir) {
        this.process = process;
        this.port = port;
        this.workDir = workDir;
    }

    public static PostgresServer start(Path workDir) {
        Path bin = ServerBinaries.postgresBin();
        int port = Ports.free();
        Path data = workDir.resolve("pgdata");
        Path log = workDir.resolve("postgres.log");
        try {
            Files.createDirectories(workDir);
            boolean root = "root".equals(System.getProperty("user.name"));
            if (root) {
                run(List.of("chown", "-R", "postgres:", workDir.toString()), workDir.resolve("chown.log"));
            }
            Path pw = workDir.resolve("pw");
            Files.writeString(pw, PASSWORD);
            if (root) {
                run(List.of("chown", "postgres:", pw.toString()), workDir.resolve("chown.log"));
            }
            run(asServerUser(root, bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER,
                    "--pwfile=" + pw, "--auth=md5", "-E", "UTF8", "--no-sync", "--no-instructions"), workDir.resolve("initdb.log"));
            Process p = new ProcessBuilder(asServerUser(root, bin.resolve("postgres").toString(), "-D", data.toString(),
                    "-p", String.valueOf(port), "-k", workDir.toString(), "-c", "listen_addresses=127.0.0.1",
                    "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                    "-c", "max_connections=200", "-c", "shared_buffers=64MB"))
                    .directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Ports.awaitListening("postgres", port, p, Duration.ofSeconds(30), log.toString());
            PostgresServer server = new PostgresServer(p, port, workDir);
            server.awaitAcceptingConnections(bin, p, log);
            server.createDatabase(bin, root, workDir);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start PostgreSQL in " + workDir, e);
        }
    }

    /**
     * The port opens before the server takes connections: on a busy machine it may still be starting up, and a
     * createdb then fails with "the database system is starting up". pg_isready says when it is ready.
     */
    private void awaitAcceptingConnections(Path bin, Process server, Path log) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            Process probe = new ProcessBuilder(bin.resolve("pg_isready").toString(), "-q", "-h", "127.0.0.1",
                    "-p", String.valueOf(port)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                if (probe.waitFor() == 0) {
                    return;
                }
                if (!server.isAlive()) {
                    throw new IllegalStateException("postgres exited while starting; see " + log + ", which ends:\n" + Ports.tail(log, 20));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("postgres took no connections within 60 s; see " + log + ", which ends:\n" + Ports.tail(log, 20));
                }
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for postgres", e);
            }
        }
    }

    private void createDatabase(Path bin, boolean root, Path workDir) throws IOException {
        Path createdb = bin.resolve("createdb");
        List<String> cmd = new ArrayList<>(asServerUser(root, createdb.toString(), "-h", workDir.toString(),
                "-p", String.valueOf(port), "-U", USER, DATABASE));
        // The socket folder is trusted by nothing but the password; pass it through the environment.
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(workDir.resolve("createdb.log").toFile());
        pb.environment().put("PGPASSWORD", PASSWORD);
        await(pb.start(), "createdb", workDir.resolve("createdb.log"));
    }

    private static List<String> asServerUser(boolean root, String... command) {
        List<String> cmd = new ArrayList<>();
        if (root) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.addAll(List.of(command));
        return cmd;
    }

    private static void run(List<String> command, Path log) throws IOException {
        Process p = new ProcessBuilder(command).directory(log.getParent().toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        await(p, command.get(0), log);
    }

    private static void await(Process p, String what, Path log) {
        try {
            int code = p.waitFor();
            if (code != 0) {
                throw new IllegalStateException(what + " failed with exit code " + code + "; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + what, e);
        }
    }

    /** The server another class loader of this JVM started (see {@link TestStack}); closing it is that loader's job. */
    static PostgresServer attach(int port) {
        return new PostgresServer(null, port, null);
    }

    public int port() {
        return port;
    }

    public String reactiveUrl() {
        return "postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    @Override
    public void close() {
        if (process == null) {
            return;
        }
        // SIGTERM to the server itself (not only to runuser) is PostgreSQL's "smart" shutdown.
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            process.waitFor();
            // The data folder is the test run's own; nothing in it outlives the run.
            new ProcessBuilder("rm", "-rf", workDir.toString()).start().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + workDir, e);
        }
    }
}
