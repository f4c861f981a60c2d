package io.containerlogging.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /metrics} on {@code com.sun.net.httpserver}: the whole exposition is written to
 * memory first (a few kilobytes), so that a failing callback is a 500 rather than half a page,
 * and the response has a length.
 */
final class MetricsHandler implements HttpHandler {

    private static final System.Logger LOG = System.getLogger(MetricsHandler.class.getName());

    private final LogMetrics metrics;

    MetricsHandler(LogMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (exchange.getRequestHeaders().getFirst("Content-Length") == null
                    && exchange.getRequestHeaders().getFirst("Transfer-Encoding") == null) {
                // No body: reading its end keeps the keep-alive connection (the JDK server closes
                // one whose request was not read to the end when drainAmount=0).
                exchange.getRequestBody().read();
            }
            String method = exchange.getRequestMethod();
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.getResponseHeaders().set("Connection", "close");
                send(exchange, 405, "application/json",
                        ("{\"error\":\"method " + (method.chars().allMatch(c -> c >= 'A' && c <= 'Z') ? method : "")
                                + " not allowed; use GET\"}").getBytes(StandardCharsets.UTF_8));
                return;
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream(8192);
            try {
                metrics.writeTo(body);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "collecting metrics failed", e);
                send(exchange, 500, "application/json",
                        "{\"error\":\"internal error\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            send(exchange, 200, LogMetrics.CONTENT_TYPE, body.toByteArray());
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
