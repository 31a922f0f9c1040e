package dev.capsule.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder from a port of its own to a real server, which a test can cut and restore: an outage of that
 * server for the service under test alone, while the server itself (shared by the test JVM) goes on. Cutting closes
 * the listening socket and every forwarded connection, so clients see refused connects and broken ones, as they
 * would from a server that went away.
 */
public final class TcpProxy implements AutoCloseable {

    private final int port = Ports.free();
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listening;

    private TcpProxy(int targetPort) {
        this.targetPort = targetPort;
    }

    /** A proxy on a free port to {@code 127.0.0.1:targetPort}, forwarding from now on. */
    public static TcpProxy to(int targetPort) {
        TcpProxy proxy = new TcpProxy(targetPort);
        proxy.restore();
        return proxy;
    }

    public int port() {
        return port;
    }

    /** The server goes away for whoever connects through this proxy: listening stops, open connections break. */
    public synchronized void cut() {
        try {
            if (listening != null) {
                listening.close();
                listening = null;
            }
            for (Socket s : open) {
                s.close();
            }
            open.clear();
        } catch (IOException e) {
            throw new UncheckedIOException("cutting the proxy on port " + port + " failed", e);
        }
    }

    /** The server is back: the proxy listens and forwards again. */
    public synchronized void restore() {
        if (listening != null) {
            return;
        }
        try {
            ServerSocket server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
            server.setReuseAddress(true);
            listening = server;
            Thread.ofPlatform().daemon().name("tcp-proxy-" + port).start(() -> accept(server));
        } catch (IOException e) {
            throw new UncheckedIOException("the proxy cannot listen on port " + port, e);
        }
    }

    private void accept(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                open.add(client);
                open.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                return; // cut: the listening socket was closed
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread.ofPlatform().daemon().name("tcp-proxy-" + port + "-pump").start(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // one side went away (or the proxy was cut): close both below
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        });
    }

    private void closeQuietly(Socket s) {
        open.remove(s);
        try {
            s.close();
        } catch (IOException e) {
            // closing a socket that is already broken: nothing left to release
        }
    }

    @Override
    public void close() {
        cut();
    }
}
