package io.containerlogging.opensearch;

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
 * reachable again without stopping the node: {@link #stop()} closes the listening socket and
 * every relayed connection (new connections are refused), {@link #start()} listens again on the
 * same port. Keeps a copy of the first bytes of every request, for tests that check headers.
 */
final class TcpForwarder implements AutoCloseable {

    private final int port;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final StringBuffer requests = new StringBuffer();
    private volatile ServerSocket server;

    /** A relay to the test node on a free local port, not yet listening. */
    TcpForwarder() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            this.port = probe.getLocalPort();
        }
        this.targetPort = OpenSearchNode.HTTP_PORT;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The start of every request relayed so far (headers included). */
    String requests() {
        return requests.toString();
    }

    synchronized void start() throws IOException {
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

    /** Refuses new connections and cuts the open ones. */
    synchronized void stop() {
        if (server != null) {
            closeQuietly(server);
            server = null;
        }
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
        sockets.clear();
    }

    @Override
    public void close() {
        stop();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // closing anyway
        }
    }
}
