package io.containerlogging.benchmarks;

import com.sun.net.httpserver.HttpServer;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.internal.Utf8Buffer;
import io.containerlogging.http.LogHttpServer;
import io.containerlogging.local.LocalLogBackend;
import io.containerlogging.metrics.LogMetrics;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Target 7's servers: a {@link LogHttpServer} on loopback over a backend holding realistic
 * messages, and next to it, in the same JVM, a plain JDK {@link HttpServer} whose handler returns
 * a fixed 22-byte JSON body, with the same number of threads and the same TCP_NODELAY setting;
 * on that server {@code /static} returns a fixed copy of the API's {@code limit=100} body, to
 * show what moving that many bytes costs by itself. A third server, "cold", is a
 * {@link LogHttpServer} over the same messages handed out as fresh copies ({@link FreshCopies}),
 * so that its message cache never hits: what a request costs whose messages were never served.
 * A fourth, "metered", is the API over the same backend with {@link LogMetrics}' access listener
 * (an {@code AccessFilter} on every request, as the example server runs it), to show what that
 * filter costs. {@code scripts/bench/http.sh} runs wrk against them, alternating. Runs until stdin closes or a
 * line is read, or for at most the given number of seconds.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.containerlogging.benchmarks.HttpBenchServer
 * [storedMessages] [maxSeconds]}. Prints {@code ports api=<port> trivial=<port> cold=<port> metered=<port>} once
 * all listen.
 */
public final class HttpBenchServer {

    private static final byte[] TRIVIAL = "{\"count\":0,\"logs\":[]}\n".getBytes(StandardCharsets.UTF_8);

    private HttpBenchServer() {
    }

    /** The API's {@code {"count":n,"logs":[...]}} body for {@code logs}. */
    private static byte[] logsResponse(List<LogMessage> logs) {
        Utf8Buffer body = new Utf8Buffer(64 * 1024)
                .append(("{\"count\":" + logs.size() + ",\"logs\":[").getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < logs.size(); i++) {
            if (i > 0) {
                body.append((byte) ',');
            }
            body.write(logs.get(i));
        }
        return body.append((byte) ']').append((byte) '}').toByteArray();
    }

    public static void main(String[] args) throws Exception {
        int stored = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        long maxSeconds = args.length > 1 ? Long.parseLong(args[1]) : 600;
        LogHttpServer.configureJdkServer(); // nodelay etc. for both servers, before either exists
        try (LocalLogBackend backend = LocalLogBackend.builder().maxLogs(stored).build()) {
            backend.initialize();
            for (int i = 0; i < stored; i++) {
                backend.log(SampleMessages.message(i));
            }
            // "metered": the API as the example server runs it, with the request metrics' access filter.
            LogMetrics metrics = LogMetrics.builder().build();
            try (LogHttpServer api = LogHttpServer.builder(backend).host("127.0.0.1").port(0).build();
                    LogHttpServer cold = LogHttpServer.builder(new FreshCopies(backend)).host("127.0.0.1").port(0)
                            .build();
                    LogHttpServer metered = LogHttpServer.builder(backend).host("127.0.0.1").port(0)
                            .accessListener(metrics.accessListener()).build()) {
                // Same shape as LogHttpServer: nodelay (configureJdkServer), a fixed pool of as many threads.
                ThreadPoolExecutor executor = new ThreadPoolExecutor(LogHttpServer.DEFAULT_THREADS,
                        LogHttpServer.DEFAULT_THREADS, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256));
                HttpServer trivial = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                trivial.setExecutor(executor);
                trivial.createContext("/", exchange -> {
                    exchange.getRequestBody().readAllBytes();
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, TRIVIAL.length);
                    try (OutputStream body = exchange.getResponseBody()) {
                        body.write(TRIVIAL);
                    }
                });
                // The same bytes as the API's limit=100 answer, precomputed: the cost of moving a
                // response of that size, with no query and no encoding.
                byte[] sameBody = logsResponse(backend.getLogs(LogQuery.builder().limit(100).build()));
                trivial.createContext("/static", exchange -> {
                    exchange.getRequestBody().readAllBytes();
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, sameBody.length);
                    try (OutputStream body = exchange.getResponseBody()) {
                        body.write(sameBody);
                    }
                });
                trivial.start();
                try {
                    System.out.printf("ports api=%d trivial=%d cold=%d metered=%d%n", api.port(),
                            trivial.getAddress().getPort(), cold.port(), metered.port());
                    System.out.flush();
                    Thread stdin = new Thread(() -> {
                        try {
                            System.in.read();
                        } catch (java.io.IOException ignored) {
                            // stdin gone: stop as well
                        }
                    }, "stdin-watch");
                    stdin.setDaemon(true);
                    stdin.start();
                    stdin.join(maxSeconds * 1000);
                } finally {
                    trivial.stop(0);
                    executor.shutdownNow();
                }
            }
        }
    }
}
