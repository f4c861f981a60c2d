package io.containerlogging.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.containerlogging.core.forward.ForwardSink;
import io.containerlogging.forward.webhook.PlainWebhookLoop;
import io.containerlogging.forward.webhook.WebhookSink;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/**
 * A webhook receiver in this JVM (the JDK's HTTP server, two threads): reads every body to the
 * end, decompressing gzip, counts the messages by their {@code "id":} keys, under the device of
 * the batch (a benchmark batch is of one device), and answers 204.
 */
final class WebhookForwardTarget implements ForwardTarget {

    private static final byte[] ID_KEY = "\"id\":".getBytes(StandardCharsets.UTF_8);
    private static final String DEVICE_KEY = "\"deviceId\":\"";

    private final boolean gzip;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final Map<String, AtomicLong> received = new ConcurrentHashMap<>();
    private final URI uri;

    WebhookForwardTarget(boolean gzip) throws IOException {
        this.gzip = gzip;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", this::handle);
        server.setExecutor(executor);
        server.start();
        uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            InputStream in = exchange.getRequestBody();
            if ("gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                in = new GZIPInputStream(in, 8192);
            }
            byte[] body = in.readAllBytes();
            received.computeIfAbsent(device(body), d -> new AtomicLong()).addAndGet(count(body));
            exchange.sendResponseHeaders(204, -1);
        }
    }

    private static String device(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, 4096), StandardCharsets.UTF_8);
        int start = text.indexOf(DEVICE_KEY);
        if (start < 0) {
            return "";
        }
        start += DEVICE_KEY.length();
        return text.substring(start, text.indexOf('"', start));
    }

    /** Message objects in a body: each has exactly one top-level "id": key (a log line's quotes are escaped). */
    private static long count(byte[] body) {
        long count = 0;
        outer:
        for (int i = 0; i <= body.length - ID_KEY.length; i++) {
            for (int j = 0; j < ID_KEY.length; j++) {
                if (body[i + j] != ID_KEY[j]) {
                    continue outer;
                }
            }
            count++;
        }
        return count;
    }

    @Override
    public ForwardSink newSink() {
        return WebhookSink.builder().uri(uri).gzip(gzip).build();
    }

    @Override
    public PlainLoop plainLoop() {
        PlainWebhookLoop loop = new PlainWebhookLoop(uri, gzip);
        return loop::deliver;
    }

    @Override
    public void verify(String device, int count) {
        AtomicLong arrived = received.getOrDefault(device, new AtomicLong());
        if (arrived.get() != count) {
            throw new IllegalStateException(device + ": " + arrived.get() + " messages arrived, expected " + count);
        }
    }

    @Override
    public void reset() {
        received.clear();
    }

    @Override
    public String describe() {
        return "webhook" + (gzip ? " (gzip)" : "") + " to the JDK HttpServer in the same JVM";
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
