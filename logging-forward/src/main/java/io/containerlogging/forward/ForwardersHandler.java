package io.containerlogging.forward;

import com.google.gson.stream.JsonWriter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.containerlogging.core.LogJson;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * {@code GET /api/v1/forwarders}: the {@link ForwarderStatus} of each forwarder, as JSON.
 * Mount it on the API's server so that the API's token and Host rules guard it too:
 * {@code LogHttpServer.builder(backend).mount("/api/v1/forwarders", new ForwardersHandler(forwarders))}.
 *
 * <pre>{@code
 * {"forwarders": [{"name": "central", "sink": "syslog+tcp://logs:601", "state": "idle",
 *   "cursorId": "log-1234", "lagMessages": 0, "lagSeconds": 0.0, "delivered": 1234, "retried": 2,
 *   "filtered": 0, "missed": 0, "lastError": "connection refused", "lastErrorAt": "2026-..."}]}
 * }</pre>
 */
public final class ForwardersHandler implements HttpHandler {

    private final List<Forwarder> forwarders;

    /** @param forwarders the forwarders to show, in this order */
    public ForwardersHandler(List<Forwarder> forwarders) {
        this.forwarders = List.copyOf(Objects.requireNonNull(forwarders, "forwarders"));
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readNBytes(16 * 1024); // a stray body, bounded
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            int status;
            String body;
            if (!path.equals(exchange.getHttpContext().getPath())) {
                status = 404;
                body = error("no such endpoint: " + excerpt(path));
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                status = 405;
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                body = error("method " + excerpt(method) + " not allowed; use GET");
            } else {
                status = 200;
                body = statuses();
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            boolean head = method.equals("HEAD");
            exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    private String statuses() throws IOException {
        StringWriter text = new StringWriter();
        try (JsonWriter out = new JsonWriter(text)) {
            out.beginObject().name("forwarders").beginArray();
            for (Forwarder forwarder : forwarders) {
                ForwarderStatus status = forwarder.status();
                out.beginObject()
                        .name("name").value(status.name())
                        .name("sink").value(status.sink())
                        .name("state").value(status.state())
                        .name("cursorId").value(status.cursorId())
                        .name("lagMessages").value(status.lagMessages())
                        .name("lagSeconds").value(status.lagSeconds())
                        .name("delivered").value(status.delivered())
                        .name("retried").value(status.retried())
                        .name("filtered").value(status.filtered())
                        .name("missed").value(status.missed())
                        .name("rejected").value(status.rejected())
                        .name("lastError").value(status.lastError())
                        .name("lastErrorAt").value(status.lastErrorAt() == null ? null
                                : LogJson.formatTime(status.lastErrorAt()));
                out.endObject();
            }
            out.endArray().endObject();
        }
        return text.toString();
    }

    private static String error(String message) throws IOException {
        StringWriter text = new StringWriter();
        try (JsonWriter out = new JsonWriter(text)) {
            out.beginObject().name("error").value(message).name("parameter").nullValue().endObject();
        }
        return text.toString();
    }

    private static String excerpt(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "…";
    }
}
