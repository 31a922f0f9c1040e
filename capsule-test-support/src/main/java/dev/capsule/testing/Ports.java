package dev.capsule.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/** Free ports for test servers, and waiting until a server listens. */
public final class Ports {

    private Ports() {
    }

    /*
     * Ports are drawn below the kernel's ephemeral range (32768-60999 on Linux), never from it: a
     * port the OS hands out for bind(0) is also one it hands out for the local end of an outgoing
     * connection, so between choosing it and the server binding it (seconds, for a JVM starting
     * beside four others that are busy connecting to Kafka, Redis and PostgreSQL) another process
     * could take it and the server would die with "Address already in use".
     */
    private static final int LOWEST = 20_000;
    private static final int HIGHEST = 32_000;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    /** A port nothing listens on now, outside the ephemeral range, never handed out twice by this JVM. */
    public static int free() {
        IOException last = null;
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, HIGHEST);
            if (!HANDED_OUT.add(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress("0.0.0.0", port));
                return port;
            } catch (IOException e) {
                last = e;
            }
        }
        throw new UncheckedIOException("no free local port between " + LOWEST + " and " + HIGHEST, last);
    }

    /** The last lines of a server's log, so a failure printed by CI says why without the file. */
    public static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | RuntimeException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits until something accepts connections on {@code port}, or fails naming the server and its log. */
    static void awaitListening(String what, int port, Process process, Duration timeout, String log) {
        Instant deadline = Instant.now().plus(timeout);
        while (!listening(port)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(what + " exited with " + process.exitValue() + " before listening on "
                        + port + "; see " + log + ", which ends:\n" + tail(Path.of(log), 40));
            }
            if (Instant.now().isAfter(deadline)) {
                process.destroyForcibly();
                throw new IllegalStateException(what + " did not listen on " + port + " within " + timeout + "; see " + log
                        + ", which ends:\n" + tail(Path.of(log), 40));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
        }
    }
}
