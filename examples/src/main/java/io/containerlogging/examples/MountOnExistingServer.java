package io.containerlogging.examples;

import com.sun.net.httpserver.HttpServer;
import io.containerlogging.core.LogBackend;
import io.containerlogging.http.LogHttpHandler;
import io.containerlogging.http.LogHttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serving the REST API from a host application's own {@link HttpServer}, next to its other
 * endpoints. README.md quotes the part between the snippet markers.
 */
public final class MountOnExistingServer {

    private MountOnExistingServer() {
    }

    /**
     * Starts a host server on a free loopback port with the log API mounted at {@code /}; the
     * caller stops it and shuts the executor down.
     */
    public static HttpServer start(LogBackend backend, ExecutorService executor) throws IOException {
        // snippet:start mount
        // The JDK server's JVM-wide settings: TCP_NODELAY (40x faster keep-alive responses) and
        // time bounds on slow clients. Read once: call this before the first HttpServer is created.
        LogHttpServer.configureJdkServer();

        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(executor);
        server.createContext("/", LogHttpHandler.builder(backend).build());  // serves /api/v1/logs...
        server.createContext("/health", exchange -> {                        // the host's own endpoint
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        // snippet:end mount
        return server;
    }

    /** A bounded pool for the host server, as a host would create it. */
    public static ExecutorService defaultExecutor() {
        return Executors.newFixedThreadPool(4);
    }
}
