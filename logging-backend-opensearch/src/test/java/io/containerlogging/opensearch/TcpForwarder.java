package io.containerlogging.opensearch;

import io.containerlogging.testing.OpenSearchNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A plain TCP relay in front of the test node, so a test can make OpenSearch unreachable and
 * reachable again without stopping the node. Until the first {@link #start()} nothing listens
 * on its port, so connections are refused. {@link #stop()} cuts every relayed connection and
 * from then on closes each new one at once (the port stays bound: re-binding a port whose
 * connections were just cut can fail while they linger in the kernel); {@link #start()} relays
 * again. Keeps a copy of the first bytes of every request, for tests that check headers.
 */
final class TcpForwarder implements AutoCloseable {

    private final int port;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final StringBuffer requests = new StringBuffer();
    private volatile ServerSocket server;
    private volatile boolean relaying;

    /** A relay to the test node on a free local port, not yet listening. */
    TcpForwarder() throws IOException {
        this.port = freePortBelowEphemeralRange();
        this.targetPort = OpenSearchNode.HTTP_PORT;
    }

    /**
     * A free port below the ephemeral range (Linux's starts at 32768). Not one that
     * {@code new ServerSocket(0)} hands out: while nothing listens there, the kernel may give that
     * same port to an outgoing connection (even one to itself, as a client retrying the closed
     * port can get), and {@link #start()} would then fail with "address already in use".
     */
    private static int freePortBelowEphemeralRange() throws IOException {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 100; attempt++) {
            int candidate = 20_000 + random.nextInt(12_000);
            try (ServerSocket probe = new ServerSocket(candidate, 50, InetAddress.getLoopbackAddress())) {
                return probe.getLocalPort();
            } catch (IOException e) {
                // taken: try another
            }
        }
        throw new IOException("no free port found in 20000..31999");
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The start of every request relayed so far (headers included). */
    String requests() {
        return requests.toString();
    }

    synchronized void start() throws IOException {
        relaying = true;
        if (server != null) {
            return;
        }
        ServerSocket listening = new ServerSocket();
        listening.setReuseAddress(true);
        listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        server = listening;
        Thread acceptor = new Thread(() -> accept(listening), "tcp-forwarder-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept(ServerSocket listening) {
        while (!listening.isClosed()) {
            try {
                Socket client = listening.accept();
                if (!relaying) {
                    client.close(); // "down": the connection is cut before a byte is answered
                    continue;
                }
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream, true);
                pump(upstream, client, false);
            } catch (IOException e) {
                return; // closed by stop()
            }
        }
    }

    private void pump(Socket from, Socket to, boolean record) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (record && requests.length() < 1_000_000) {
                        requests.append(new String(buffer, 0, Math.min(n, 512), StandardCharsets.ISO_8859_1));
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // either side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "tcp-forwarder-pump");
        thread.setDaemon(true);
        thread.start();
    }

    /** Cuts the open connections and every new one. */
    synchronized void stop() {
        relaying = false;
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
        sockets.clear();
    }

    @Override
    public synchronized void close() {
        stop();
        if (server != null) {
            closeQuietly(server);
            server = null;
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // closing anyway
        }
    }
}
