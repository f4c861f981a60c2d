package io.containerlogging.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.containerlogging.core.ContainerAttacher;
import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogSubscriber;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The container-logging REST API and live event stream as a {@link HttpHandler} for the JDK's
 * {@code com.sun.net.httpserver.HttpServer}, to mount on a server the host application already
 * runs. {@link LogHttpServer} runs one standalone.
 *
 * <pre>{@code
 * LogHttpHandler logs = LogHttpHandler.builder(backend).attacher(monitor).build();
 * hostServer.createContext("/", logs);          // GET /api/v1/logs, ...
 * // or: hostServer.createContext("/ops", logs); // GET /ops/api/v1/logs, ...
 * ...
 * logs.close(); // ends open event streams and stops the heartbeat thread
 * }</pre>
 *
 * <h2>Paths</h2>
 * The handler strips the path of the context it is mounted on and serves {@code /api/v1/logs},
 * {@code /api/v1/logs/count}, {@code /api/v1/logs/stream} and
 * {@code /api/v1/logs/{containerId}/attach} below it; anything else under the context is a 404.
 *
 * <h2>Performance note for hosts</h2>
 * The JDK server does not set {@code TCP_NODELAY} unless the system property
 * {@code sun.net.httpserver.nodelay=true} is set before its first {@code HttpServer.create};
 * without it, keep-alive clients wait on Nagle's algorithm and throughput drops about 40-fold.
 * {@link LogHttpServer} sets it; a host that mounts this handler should set it itself, e.g.
 * {@code -Dsun.net.httpserver.nodelay=true}. Give the server an executor
 * ({@code setExecutor}): without one every request runs on its single dispatcher thread.
 *
 * <h2>Threads</h2>
 * Ordinary requests run on the server's executor and finish there. An event stream uses the
 * request thread only to send its history, then returns it: live events are written by the
 * backend's subscriber threads, heartbeats by one timer thread this handler starts with the first
 * stream ({@code container-logging-http-heartbeat-N} unless a {@link Builder#threadFactory} is
 * given). {@link #close()} stops it.
 *
 * <p>Thread-safety: thread-safe; one instance serves any number of concurrent requests.
 */
public final class LogHttpHandler implements HttpHandler, AutoCloseable {

    /** Messages a request without {@code limit} returns at most, and the cap on any limit or tail. */
    public static final int DEFAULT_MAX_LIMIT = 10_000;
    /** How often an idle event stream gets a comment line: keeps proxies open, detects departed clients. */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(15);
    /** Live messages that may wait for a slow stream client before it misses some. */
    public static final int DEFAULT_STREAM_BUFFER_SIZE = LogSubscriber.DEFAULT_BUFFER_SIZE;
    /** Event streams open at once; more are refused with 503. */
    public static final int DEFAULT_MAX_STREAMS = 256;
    /** The largest request body accepted; larger ones get 413. */
    public static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024;
    /** Responses smaller than this are never compressed: gzip would not pay for itself. */
    public static final int DEFAULT_GZIP_MIN_BYTES = 1024;

    private static final System.Logger LOG = System.getLogger(LogHttpHandler.class.getName());
    private static final AtomicInteger HEARTBEAT_THREADS = new AtomicInteger();

    private final LogBackend backend;
    private final LogApi api;
    private final SseStreams streams;
    private final int streamBufferSize;

    private LogHttpHandler(Builder builder) {
        this.backend = builder.backend;
        this.api = new LogApi(builder.backend, builder.attacher, builder.maxLimit,
                builder.maxBodyBytes, builder.gzipMinBytes, builder.bearerToken, builder.corsOrigin);
        ThreadFactory threadFactory = builder.threadFactory != null ? builder.threadFactory : runnable -> {
            Thread thread = new Thread(runnable,
                    "container-logging-http-heartbeat-" + HEARTBEAT_THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        this.streams = new SseStreams(builder.maxStreams, builder.heartbeatInterval, threadFactory);
        this.streamBufferSize = builder.streamBufferSize;
    }

    /**
     * A builder for a handler serving {@code backend}.
     *
     * @throws NullPointerException if {@code backend} is null
     */
    public static Builder builder(LogBackend backend) {
        return new Builder(backend);
    }

    /** Serves one exchange; never throws. */
    @Override
    public void handle(HttpExchange exchange) {
        try {
            Headers requestHeaders = exchange.getRequestHeaders();
            String contentLength = requestHeaders.getFirst("Content-Length");
            ApiRequest request = new ApiRequest(
                    exchange.getRequestMethod(),
                    relativePath(exchange),
                    exchange.getRequestURI().getRawQuery(),
                    requestHeaders::getFirst,
                    exchange.getRequestBody(),
                    parseLength(contentLength));
            ApiResponse response = api.handle(request);
            if (response.stream() != null) {
                startStream(exchange, response);
            } else {
                send(exchange, response);
            }
        } catch (IOException e) {
            // The client went away mid-response: nothing to tell anyone.
            exchange.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "unexpected failure serving "
                    + exchange.getRequestURI(), e);
            exchange.close();
        }
    }

    /** The request path with the mount point's context path removed. */
    private static String relativePath(HttpExchange exchange) {
        String path = exchange.getRequestURI().getRawPath();
        String context = exchange.getHttpContext().getPath();
        if (context.endsWith("/")) {
            context = context.substring(0, context.length() - 1);
        }
        return path.startsWith(context) ? path.substring(context.length()) : path;
    }

    private static long parseLength(String contentLength) {
        if (contentLength == null) {
            return -1;
        }
        try {
            return Long.parseLong(contentLength.trim());
        } catch (NumberFormatException e) {
            return -1; // the JDK server itself rejects a malformed Content-Length
        }
    }

    private static void send(HttpExchange exchange, ApiResponse response) throws IOException {
        try (exchange) {
            copyHeaders(exchange, response.headers());
            byte[] body = response.body();
            // -1: no body at all (a 0 would select chunked encoding).
            exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    private static void copyHeaders(HttpExchange exchange, Map<String, String> headers) {
        Headers responseHeaders = exchange.getResponseHeaders();
        headers.forEach(responseHeaders::set);
    }

    private void startStream(HttpExchange exchange, ApiResponse response) throws IOException {
        if (!streams.tryReserve()) {
            send(exchange, LogApi.error(503, "too many open event streams; try again later", null)
                    .header("Cache-Control", "no-store")
                    .header("Retry-After", "5"));
            return;
        }
        SseStream[] holder = new SseStream[1];
        boolean[] committed = new boolean[1];
        // Until the headers are committed, a failed stream leaves the exchange to us (for a 503).
        Runnable closeTransport = () -> {
            if (committed[0]) {
                exchange.close();
            }
        };
        SseStream stream = new SseStream(new BufferedOutputStream(exchange.getResponseBody(), 8192),
                closeTransport, () -> streams.remove(holder[0]));
        holder[0] = stream;
        streams.add(stream);
        try {
            boolean started = stream.open(backend, response.stream(), streamBufferSize, () -> {
                copyHeaders(exchange, response.headers());
                committed[0] = true;
                exchange.sendResponseHeaders(200, 0); // 0: chunked, open-ended
            });
            if (!started) { // this handler was closed meanwhile
                send(exchange, LogApi.error(503, "the log API is shutting down", null)
                        .header("Cache-Control", "no-store"));
            }
        } catch (IllegalStateException e) {
            // The backend is closed; nothing has been sent yet.
            stream.close();
            send(exchange, LogApi.error(503, "the log backend is closed", null)
                    .header("Cache-Control", "no-store"));
        }
    }

    /** The number of event streams open now. */
    public int openStreams() {
        return streams.size();
    }

    /**
     * Ends every open event stream (their clients see the response end and may reconnect) and
     * stops the heartbeat thread. Ordinary requests are unaffected. Safe to call more than once;
     * the handler refuses new streams with 503 afterwards.
     */
    @Override
    public void close() {
        streams.close();
    }

    /**
     * Configures a {@link LogHttpHandler}. Each setting may be given once; a second call throws
     * {@link IllegalStateException}. Not thread-safe.
     */
    public static final class Builder {
        private final LogBackend backend;
        private ContainerAttacher attacher;
        private String bearerToken;
        private String corsOrigin;
        private int maxLimit = DEFAULT_MAX_LIMIT;
        private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
        private int streamBufferSize = DEFAULT_STREAM_BUFFER_SIZE;
        private int maxStreams = DEFAULT_MAX_STREAMS;
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private int gzipMinBytes = DEFAULT_GZIP_MIN_BYTES;
        private ThreadFactory threadFactory;
        private final java.util.Set<String> set = new java.util.HashSet<>();

        private Builder(LogBackend backend) {
            this.backend = Objects.requireNonNull(backend, "backend");
        }

        private void once(String setting) {
            if (!set.add(setting)) {
                throw new IllegalStateException(setting + " was already set");
            }
        }

        /**
         * The container monitor behind {@code POST/DELETE /api/v1/logs/{id}/attach}. Without one
         * (Docker disabled) those endpoints answer 503.
         */
        public Builder attacher(ContainerAttacher attacher) {
            once("attacher");
            this.attacher = Objects.requireNonNull(attacher, "attacher");
            return this;
        }

        /**
         * Requires {@code Authorization: Bearer <token>} on every request (401 otherwise),
         * compared in constant time. Default: no authentication.
         *
         * @throws IllegalArgumentException if the token is blank or contains whitespace
         */
        public Builder bearerToken(String token) {
            once("bearerToken");
            Objects.requireNonNull(token, "token");
            if (token.isBlank() || token.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("bearer token must be non-blank without whitespace");
            }
            this.bearerToken = token;
            return this;
        }

        /**
         * Allows browser pages from {@code origin} (e.g. {@code https://ops.example.com}, or
         * {@code *}) to call the API: adds {@code Access-Control-Allow-Origin} and answers
         * preflight {@code OPTIONS} requests. Default: no CORS headers.
         */
        public Builder corsOrigin(String origin) {
            once("corsOrigin");
            Objects.requireNonNull(origin, "origin");
            if (origin.isBlank() || origin.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
                throw new IllegalArgumentException("not a CORS origin: '" + origin + "'");
            }
            this.corsOrigin = origin;
            return this;
        }

        /**
         * The most messages one response returns: the default when {@code limit} is absent, and
         * the cap on {@code limit} and {@code tail}. Default {@link #DEFAULT_MAX_LIMIT}.
         */
        public Builder maxLimit(int maxLimit) {
            once("maxLimit");
            this.maxLimit = positive(maxLimit, "maxLimit");
            return this;
        }

        /** Default {@link #DEFAULT_HEARTBEAT_INTERVAL}. */
        public Builder heartbeatInterval(Duration interval) {
            once("heartbeatInterval");
            Objects.requireNonNull(interval, "interval");
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("heartbeatInterval must be positive, was " + interval);
            }
            this.heartbeatInterval = interval;
            return this;
        }

        /** Default {@link #DEFAULT_STREAM_BUFFER_SIZE}. */
        public Builder streamBufferSize(int size) {
            once("streamBufferSize");
            this.streamBufferSize = positive(size, "streamBufferSize");
            return this;
        }

        /** Default {@link #DEFAULT_MAX_STREAMS}. */
        public Builder maxStreams(int maxStreams) {
            once("maxStreams");
            this.maxStreams = positive(maxStreams, "maxStreams");
            return this;
        }

        /** Default {@link #DEFAULT_MAX_BODY_BYTES}. */
        public Builder maxBodyBytes(int maxBodyBytes) {
            once("maxBodyBytes");
            this.maxBodyBytes = positive(maxBodyBytes, "maxBodyBytes");
            return this;
        }

        /** Default {@link #DEFAULT_GZIP_MIN_BYTES}; {@link Integer#MAX_VALUE} never compresses. */
        public Builder gzipMinBytes(int gzipMinBytes) {
            once("gzipMinBytes");
            if (gzipMinBytes < 0) {
                throw new IllegalArgumentException("gzipMinBytes must be >= 0, was " + gzipMinBytes);
            }
            this.gzipMinBytes = gzipMinBytes;
            return this;
        }

        /** Makes the heartbeat thread. Default: daemon threads named {@code container-logging-http-heartbeat-N}. */
        public Builder threadFactory(ThreadFactory threadFactory) {
            once("threadFactory");
            this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
            return this;
        }

        /** A handler with these settings. Starts no thread until the first event stream opens. */
        public LogHttpHandler build() {
            return new LogHttpHandler(this);
        }

        private static int positive(int value, String name) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be >= 1, was " + value);
            }
            return value;
        }
    }
}
