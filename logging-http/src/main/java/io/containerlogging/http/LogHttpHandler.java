package io.containerlogging.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.containerlogging.core.ContainerAttacher;
import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogSubscriber;
import io.containerlogging.core.spi.DaemonThreads;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

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
 * {@code /api/v1/logs/count}, {@code /api/v1/logs/stream}, {@code /api/v1/stream-tickets} and
 * {@code /api/v1/logs/{containerId}/attach} below it, and with {@link Builder#viewer} the web
 * viewer at {@code /}; anything else under the context is a 404.
 *
 * <h2>Settings for hosts</h2>
 * The JDK server reads its limits from JVM-wide system properties once, when the first
 * {@code HttpServer} is created: call {@link LogHttpServer#configureJdkServer()} before creating
 * yours (or pass the same {@code -D} options). Without it, keep-alive clients wait on Nagle's
 * algorithm (about 40 times slower), and nothing bounds how long a client may take to send a
 * request or to read a response, or how long an unauthenticated request's unread body is
 * drained. Give the server an executor ({@code setExecutor}): without one every request runs on
 * its single dispatcher thread.
 *
 * <h2>Threads and bounds</h2>
 * Ordinary requests run on the server's executor; they parse, query and encode there, and send
 * bodies up to {@value #LARGE_BODY_BYTES} bytes (which fit the socket's buffers, so a client
 * that does not read cannot hold the thread). Larger bodies and event streams are handed to
 * this handler's own pool of {@link Builder#streamThreads} threads
 * ({@code container-logging-http-stream-N}), which also sends heartbeats: a client that stops
 * reading holds at most one of them, and only until the JDK server's {@code maxRspTime} cuts its
 * connection. When that pool and its queue are full, such requests get 503. Live events are
 * written by the backend's subscriber threads; one timer thread
 * ({@code container-logging-http-heartbeat-N} unless a {@link Builder#threadFactory} is given)
 * schedules heartbeats, ends streams after {@link Builder#maxStreamDuration}, and gives up on a
 * stream whose write has been blocked for {@link Builder#streamWriteTimeout} (unsubscribing it
 * and freeing its place at once). A client that closes its stream is noticed at the next write,
 * at most one heartbeat interval later. {@link #close()} stops all of it.
 *
 * <p>{@code GET /api/v1/logs} bodies are sent through 64 KiB send buffers (the messages' cached
 * encodings are copied there once and sent with one write per 64 KiB); up to eight are kept
 * for reuse, shared by all handlers, 512 KiB at most.
 *
 * <p>Every response body is at most {@link Builder#maxResponseBytes} long; see
 * {@code docs/http-hardening.md} for what a cut response looks like.
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
    /** The largest response body, and the most history an event stream replays, in bytes: 8 MiB. */
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
    /** Threads that write event streams' history, heartbeats and bodies over {@value #LARGE_BODY_BYTES} bytes. */
    public static final int DEFAULT_STREAM_THREADS = 16;
    /**
     * How long an event stream stays open before the server ends it; EventSource clients
     * reconnect and resume with {@code Last-Event-ID}. Below
     * {@link LogHttpServer#DEFAULT_MAX_RESPONSE_TIME}, so streams end cleanly before the JDK
     * server cuts them.
     */
    public static final Duration DEFAULT_MAX_STREAM_DURATION = Duration.ofSeconds(90);
    /** How long one write to an event stream client may block before the stream is given up. */
    public static final Duration DEFAULT_STREAM_WRITE_TIMEOUT = Duration.ofSeconds(30);
    /**
     * Bodies up to this size are written by the request thread: they fit the socket buffers, so
     * the write returns even if the client does not read.
     */
    static final int LARGE_BODY_BYTES = 64 * 1024;
    /** Tasks that may wait for a stream thread before requests for large bodies get 503. */
    static final int STREAM_QUEUE_CAPACITY = 1024;

    private static final System.Logger LOG = System.getLogger(LogHttpHandler.class.getName());
    private static final ThreadFactory HEARTBEAT_THREADS = DaemonThreads.factory("http-heartbeat");
    private static final ThreadFactory STREAM_THREADS = DaemonThreads.factory("http-stream");

    private final LogBackend backend;
    private final LogApi api;
    private final SseStreams streams;
    private final ThreadPoolExecutor streamExecutor;
    private final int streamBufferSize;
    private final int maxResponseBytes;
    private final int maxBodyBytes;
    private final java.util.concurrent.Semaphore largeBodies;
    private final ViewerRoutes viewer;

    private LogHttpHandler(Builder builder) {
        this.backend = builder.backend;
        this.api = new LogApi(builder.backend, builder.attacher, builder.maxLimit,
                builder.maxBodyBytes, builder.maxResponseBytes, builder.gzipMinBytes, builder.bearerToken,
                builder.corsOrigin, builder.allowedHosts);
        ThreadFactory threadFactory = builder.threadFactory != null ? builder.threadFactory : HEARTBEAT_THREADS;
        ThreadFactory streamThreadFactory = builder.threadFactory != null ? builder.threadFactory : STREAM_THREADS;
        this.streamExecutor = new ThreadPoolExecutor(builder.streamThreads, builder.streamThreads,
                30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(STREAM_QUEUE_CAPACITY), streamThreadFactory);
        streamExecutor.allowCoreThreadTimeOut(true);
        this.streams = new SseStreams(builder.maxStreams, builder.heartbeatInterval, builder.maxStreamDuration,
                builder.streamWriteTimeout, threadFactory, streamExecutor);
        this.streamBufferSize = builder.streamBufferSize;
        this.maxResponseBytes = builder.maxResponseBytes;
        this.maxBodyBytes = builder.maxBodyBytes;
        this.largeBodies = new java.util.concurrent.Semaphore(builder.streamThreads);
        this.viewer = builder.viewer ? new ViewerRoutes() : null;
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
            EndAwareInputStream body = new EndAwareInputStream(exchange.getRequestBody());
            ApiRequest request = new ApiRequest(
                    exchange.getRequestMethod(),
                    relativePath(exchange),
                    exchange.getRequestURI().getRawQuery(),
                    requestHeaders::getFirst,
                    body,
                    parseLength(contentLength));
            if (request.declaredLength() <= 0 && requestHeaders.getFirst("Transfer-Encoding") == null) {
                // No body: reaching its end reads nothing from the socket, and marks the exchange
                // as fully read, without which the JDK server (drainAmount=0) closes a
                // keep-alive connection after the response.
                exchange.getRequestBody().read();
            }
            ApiResponse page = viewer == null ? null : viewer.respond(request, contextPathWithoutSlash(exchange));
            ApiResponse response = page != null ? page : api.handle(request);
            boolean head = request.method().equals("HEAD");
            if (response.status() >= 400 && (request.declaredLength() > 0
                    || requestHeaders.getFirst("Transfer-Encoding") != null)
                    && !body.reachedEnd() && !consumeArrivedBody(body, request.declaredLength())) {
                // The body was refused unread and has not all arrived: end the connection rather
                // than wait for a body the client may never send. With configureJdkServer() the
                // JDK server closes it too instead of draining.
                response.header("Connection", "close");
            }
            if (head) {
                send(exchange, response, true); // headers only, streams included
            } else if (response.stream() != null) {
                handOff(exchange, () -> startStream(exchange, response));
            } else if (response.body().length() > LARGE_BODY_BYTES) {
                sendLarge(exchange, response);
            } else {
                send(exchange, response, false);
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

    /**
     * Reads (and discards) as much of a refused request's body as has already arrived, without
     * ever waiting for more: a connection closed with unread bytes in its receive buffer is reset,
     * and the reset can destroy the error response before the client reads it.
     *
     * @return whether the whole body was read, so that the connection may be kept
     */
    private boolean consumeArrivedBody(java.io.InputStream body, long declaredLength) {
        if (declaredLength < 0 || declaredLength > maxBodyBytes) {
            return false; // chunked, or more than we would ever read
        }
        try {
            byte[] buffer = new byte[4096];
            long remaining = declaredLength;
            int available;
            while (remaining > 0 && (available = body.available()) > 0) {
                int n = body.read(buffer, 0, (int) Math.min(Math.min(available, buffer.length), remaining));
                if (n < 0) {
                    break;
                }
                remaining -= n;
            }
            if (remaining == 0) {
                body.read(); // the end: returns at once, and marks the exchange as fully read
                return true;
            }
        } catch (IOException e) {
            // the client went away; the connection is closed either way
        }
        return false;
    }

    /** A request body that remembers whether a read has reached its end. */
    private static final class EndAwareInputStream extends java.io.FilterInputStream {
        private boolean end;

        EndAwareInputStream(java.io.InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            end |= b < 0;
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            end |= n < 0;
            return n;
        }

        boolean reachedEnd() {
            return end;
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

    private static String contextPathWithoutSlash(HttpExchange exchange) {
        String context = exchange.getHttpContext().getPath();
        return context.endsWith("/") ? context.substring(0, context.length() - 1) : context;
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

    /**
     * Runs {@code task} on the stream pool, which may block on a client that does not read; the
     * request thread returns at once. A full pool is a 503.
     */
    private boolean handOff(HttpExchange exchange, IoTask task) throws IOException {
        try {
            streamExecutor.execute(() -> {
                try {
                    task.run();
                } catch (IOException e) {
                    exchange.close(); // the client went away
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "unexpected failure serving "
                            + ApiException.excerpt(exchange.getRequestURI().toString()), e);
                    exchange.close();
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            send(exchange, busy(), false);
            return false;
        }
    }

    /**
     * Sends a large body from the stream pool. At most {@code streamThreads} of them are held at
     * once (sending or waiting): each is up to {@code maxResponseBytes} of heap, and clients that
     * do not read must not make them pile up. Beyond that, 503.
     */
    private void sendLarge(HttpExchange exchange, ApiResponse response) throws IOException {
        if (!largeBodies.tryAcquire()) {
            send(exchange, busy(), false);
            return;
        }
        boolean handedOff = false;
        try {
            handedOff = handOff(exchange, () -> {
                try {
                    send(exchange, response, false);
                } finally {
                    largeBodies.release();
                }
            });
        } finally {
            if (!handedOff) {
                largeBodies.release();
            }
        }
    }

    private static ApiResponse busy() {
        return LogApi.error(503, "the server is busy sending large responses; try again later", null)
                .header("Cache-Control", "no-store")
                .header("Retry-After", "5");
    }

    @FunctionalInterface
    private interface IoTask {
        void run() throws IOException;
    }

    private static void send(HttpExchange exchange, ApiResponse response, boolean head) throws IOException {
        try (exchange) {
            copyHeaders(exchange, response.headers());
            int length = head ? 0 : response.body().length();
            // -1: no body at all (a 0 would select chunked encoding); the JDK server warns about
            // anything else for HEAD.
            exchange.sendResponseHeaders(response.status(), length == 0 ? -1 : length);
            if (length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    response.body().writeTo(out);
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
                    .header("Retry-After", "5"), false);
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
                closeTransport, () -> streams.remove(holder[0]), maxResponseBytes);
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
                        .header("Cache-Control", "no-store"), false);
            }
        } catch (IllegalStateException e) {
            // The backend is closed; nothing has been sent yet.
            stream.close();
            send(exchange, LogApi.error(503, "the log backend is closed", null)
                    .header("Cache-Control", "no-store"), false);
        } catch (RuntimeException e) {
            // The history could not be read: tell the client, if nothing has been sent yet.
            stream.close();
            if (!committed[0]) {
                send(exchange, LogApi.failure(e, "GET /api/v1/logs/stream").header("Cache-Control", "no-store"),
                        false);
            }
        }
    }

    /** Stream-pool threads busy now (for tests). */
    int activeStreamThreads() {
        return streamExecutor.getActiveCount();
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
        streamExecutor.shutdown();
        try {
            if (!streamExecutor.awaitTermination(1, TimeUnit.SECONDS)) {
                // Threads still blocked on clients that do not read: they end when the server
                // closes the connections (or its maxRspTime does).
                streamExecutor.shutdownNow();
            }
        } catch (InterruptedException e) {
            streamExecutor.shutdownNow();
            Thread.currentThread().interrupt();
        }
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
        private int maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;
        private int streamThreads = DEFAULT_STREAM_THREADS;
        private Duration maxStreamDuration = DEFAULT_MAX_STREAM_DURATION;
        private Duration streamWriteTimeout = DEFAULT_STREAM_WRITE_TIMEOUT;
        private java.util.Set<String> allowedHosts = java.util.Set.of();
        private ThreadFactory threadFactory;
        private boolean viewer;
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
         * @throws IllegalArgumentException if the token is empty or has anything but visible ASCII
         *     characters (no spaces, no control characters); the message does not quote it
         */
        public Builder bearerToken(String token) {
            once("bearerToken");
            Objects.requireNonNull(token, "token");
            if (!isValidToken(token)) {
                throw new IllegalArgumentException("bearer token must be non-empty visible ASCII without"
                        + " spaces or control characters");
            }
            this.bearerToken = token;
            return this;
        }

        boolean hasBearerToken() {
            return bearerToken != null;
        }

        /** The token and Host rules of these settings, for other handlers served beside this one. */
        MountGuard mountGuard() {
            return new MountGuard(bearerToken, allowedHosts, corsOrigin);
        }

        /** The longest a stream can stay open: its duration plus the heartbeat that notices it. */
        Duration longestStream() {
            return maxStreamDuration.plus(heartbeatInterval);
        }

        /**
         * Whether {@code token} can be sent in an {@code Authorization} header as it is: visible
         * ASCII ({@code !} to {@code ~}) only, at least one character.
         */
        public static boolean isValidToken(String token) {
            return token != null && !token.isEmpty() && token.chars().allMatch(c -> c >= 0x21 && c <= 0x7e);
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

        /**
         * The largest response body in bytes, and the most history one event stream replays.
         * A {@code GET /api/v1/logs} answer that would be larger holds the oldest messages that
         * fit and ends with {@code "truncated":true,"nextAfterId":"log-N"}: ask again with
         * {@code afterId=log-N} for the rest. A single message larger than this is sent as an
         * excerpt. A stream's {@code tail} history keeps the newest messages that fit, after an
         * {@code event: truncated} saying how many were left out. A resumed stream
         * ({@code Last-Event-ID}) writes at most this much history per connection, then an
         * {@code event: continue} naming the last id sent, and ends: EventSource reconnects and
         * the replay goes on from there. Default {@link #DEFAULT_MAX_RESPONSE_BYTES}; at least 4096.
         */
        public Builder maxResponseBytes(int maxResponseBytes) {
            once("maxResponseBytes");
            if (maxResponseBytes < 4096) {
                throw new IllegalArgumentException("maxResponseBytes must be >= 4096, was " + maxResponseBytes);
            }
            this.maxResponseBytes = maxResponseBytes;
            return this;
        }

        /**
         * Threads that write event streams' history and heartbeats and response bodies over
         * {@value LogHttpHandler#LARGE_BODY_BYTES} bytes, apart from the request threads: at
         * most this many clients that stop reading can delay those responses (each until the
         * JDK server's {@code maxRspTime} cuts it), and none can delay short requests. Also the
         * most large bodies held at once (sending or waiting): more get 503 with
         * {@code Retry-After}, so their memory never piles up. Default
         * {@link #DEFAULT_STREAM_THREADS}.
         */
        public Builder streamThreads(int streamThreads) {
            once("streamThreads");
            this.streamThreads = positive(streamThreads, "streamThreads");
            return this;
        }

        /**
         * How long an event stream stays open; then it ends and an EventSource client reconnects
         * with {@code Last-Event-ID}, missing nothing. Keep it below the JDK server's
         * {@code maxRspTime} ({@link LogHttpServer#configureJdkServer}), which cuts any longer
         * response. Checked at each heartbeat, so a stream ends up to one heartbeat interval
         * later. Default {@link #DEFAULT_MAX_STREAM_DURATION}.
         */
        public Builder maxStreamDuration(Duration duration) {
            once("maxStreamDuration");
            this.maxStreamDuration = positive(duration, "maxStreamDuration");
            return this;
        }

        /**
         * How long one write to an event stream client may stay blocked (a client that stopped
         * reading) before the stream is given up: unsubscribed and its place freed. The blocked
         * thread itself is freed when the JDK server's {@code maxRspTime} closes the connection.
         * Checked at each heartbeat. Default {@link #DEFAULT_STREAM_WRITE_TIMEOUT}.
         */
        public Builder streamWriteTimeout(Duration timeout) {
            once("streamWriteTimeout");
            this.streamWriteTimeout = positive(timeout, "streamWriteTimeout");
            return this;
        }

        /**
         * Host names served besides loopback ones ({@code localhost}, {@code 127.0.0.1},
         * {@code [::1]}) when no {@link #bearerToken} is set, e.g. the machine's name when the
         * server listens on all interfaces. Without a token, a request with another {@code Host}
         * (a DNS-rebinding page), or with an {@code Origin} of another site than these or the
         * {@link #corsOrigin}, is refused with 403. Default: none.
         */
        public Builder allowedHosts(String... hostNames) {
            once("allowedHosts");
            java.util.Set<String> names = new java.util.HashSet<>();
            for (String name : Objects.requireNonNull(hostNames, "hostNames")) {
                Objects.requireNonNull(name, "host name");
                if (name.isBlank() || name.chars().anyMatch(c -> c < 0x21 || c > 0x7e || c == '/')) {
                    throw new IllegalArgumentException("not a host name: '" + name + "'");
                }
                names.add(HostCheck.hostName(name));
            }
            this.allowedHosts = java.util.Set.copyOf(names);
            return this;
        }

        /**
         * Makes the heartbeat thread and the stream-pool threads. Default: daemon threads named
         * {@code container-logging-http-heartbeat-N} and {@code container-logging-http-stream-N}.
         */
        public Builder threadFactory(ThreadFactory threadFactory) {
            once("threadFactory");
            this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
            return this;
        }

        /**
         * Whether to serve the web log viewer at the root of the context ({@code GET /}, with
         * {@code /viewer.js} and {@code /viewer.css}): a page that tails, filters and searches the
         * logs through this API, from the jar alone (see {@code docs/viewer.md}). The page holds no
         * log data and is served without the bearer token; its API requests need it. Default:
         * off.
         */
        public Builder viewer(boolean enabled) {
            once("viewer");
            this.viewer = enabled;
            return this;
        }

        /** A handler with these settings. Starts no thread until the first event stream opens. */
        public LogHttpHandler build() {
            return new LogHttpHandler(this);
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
            }
            return value;
        }

        private static int positive(int value, String name) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be >= 1, was " + value);
            }
            return value;
        }
    }
}
