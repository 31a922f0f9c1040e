package dev.capsule.system;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a Kubernetes Service does in front of the gateway replicas, as far as the browser can
 * tell: each new TCP connection goes to the next replica that accepts it, with no stickiness. It
 * remembers which replica took the latest chat socket, so that a test can kill exactly that one.
 */
final class RoundRobinProxy implements AutoCloseable {

    private final ServerSocket server;
    private final List<Integer> backends;
    private final AtomicInteger next = new AtomicInteger();
    private volatile int lastChatBackend = -1;
    private volatile boolean running = true;

    RoundRobinProxy(List<Integer> backends) throws IOException {
        this(backends, 0);
    }

    /** On {@code port}: the gateways must know their public URL (for OAuth's redirect URI) before the proxy exists. */
    RoundRobinProxy(List<Integer> backends, int port) throws IOException {
        this.backends = List.copyOf(backends);
        this.server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("proxy-accept").start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    /** The backend port that took the latest {@code /ws/chat} upgrade, or -1. */
    int lastChatBackend() {
        return lastChatBackend;
    }

    private void accept() {
        while (running) {
            try {
                Socket client = server.accept();
                Thread.ofVirtual().start(() -> serve(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            // Read the start of the request, to see whether it is a chat socket, then pass it on.
            InputStream in = client.getInputStream();
            byte[] first = new byte[4096];
            int n = in.read(first);
            if (n <= 0) {
                return;
            }
            boolean chat = new String(first, 0, Math.min(n, 32), StandardCharsets.US_ASCII).startsWith("GET /ws/chat");
            for (int attempt = 0; attempt < backends.size(); attempt++) {
                int port = backends.get(Math.floorMod(next.getAndIncrement(), backends.size()));
                Socket backend = new Socket();
                try {
                    backend.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                } catch (IOException refused) {
                    backend.close();
                    continue; // that replica is down: the next one
                }
                if (chat) {
                    lastChatBackend = port;
                }
                try (backend) {
                    backend.getOutputStream().write(first, 0, n);
                    Thread.ofVirtual().start(() -> pipe(in, out(backend), backend));
                    // When the replica goes (killed, say), the browser's connection goes with it.
                    pipe(backend.getInputStream(), client.getOutputStream(), client);
                }
                return;
            }
        } catch (IOException e) {
            // a side closed: so does the other
        }
    }

    private static OutputStream out(Socket socket) {
        try {
            return socket.getOutputStream();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Copies until either side closes, then closes {@code other} so that its reader ends too. */
    private static void pipe(InputStream from, OutputStream to, Socket other) {
        byte[] buffer = new byte[16384];
        try {
            for (int n; (n = from.read(buffer)) >= 0; ) {
                to.write(buffer, 0, n);
                to.flush();
            }
        } catch (IOException e) {
            // closed
        } finally {
            try {
                other.shutdownOutput();
            } catch (IOException e) {
                // already closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        server.close();
    }
}
