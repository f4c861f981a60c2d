package io.containerlogging.http;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.containerlogging.core.ContainerAttacher;
import io.containerlogging.core.LogBackend;
import io.containerlogging.core.spi.DaemonThreads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A standalone HTTP server for the container-logging REST API: the JDK's
 * {@code com.sun.net.httpserver.HttpServer} serving a {@link LogHttpHandler} at {@code /}.
 *
 * <pre>{@code
 * try (LogHttpServer server = LogHttpServer.builder(backend).attacher(monitor).port(0).build()) {
 *     System.out.println("listening on " + server.port());
 *     ...
 * }
 * }</pre>
 *
 * <p>{@link Builder#build()} binds the port and starts serving before it returns; there is no
 * separate {@code start()}. The server runs requests on its own bounded pool of
 * {@link Builder#threads} named daemon threads ({@code container-logging-http-N}); when all are
 * busy and its queue is full, the accepting thread waits for one (back-pressure instead of
 * refusing connections). Event streams and large response bodies are handed to the handler's
 * separate stream pool ({@link LogHttpHandler.Builder#streamThreads}), so clients that stop
 * reading cannot take the request threads.
 *
 * <h2>JDK server settings: call {@link #configureJdkServer()} first</h2>
 * The JDK server reads its limits from JVM-wide system properties, once, when the first
 * {@code HttpServer} of the JVM is created. A library must not change JVM-wide settings behind
 * the host's back, so this class never sets them on its own: the application calls
 * {@link #configureJdkServer()} (or passes the same {@code -D} options) before it creates any
 * server. Without it the server still works, but is about 40 times slower for keep-alive clients
 * (no {@code TCP_NODELAY}) and has no time bounds on slow or stalled clients; {@code build()}
 * logs a warning naming what is missing. What each property does was measured and is written up
 * in {@code docs/http-hardening.md}.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class LogHttpServer implements AutoCloseable {

    /** The default bind address: loopback only, so nothing is exposed by accident. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The default port, as in the seed's examples. */
    public static final int DEFAULT_PORT = 3000;
    /**
     * The default number of request threads, started as requests need them and stopped after a
     * minute idle. The JDK server reads a request's headers and body on these threads, so a
     * client that sends them slowly holds one until {@code maxReqTime} cuts it off: this many such
     * clients at once delay everyone else for that long (see {@code docs/http-hardening.md}).
     * Requests that write large bodies or streams give their thread back at once (see
     * {@link LogHttpHandler.Builder#streamThreads}).
     */
    public static final int DEFAULT_THREADS = 32;
    /** Requests that may wait for a free thread before the accepting thread waits. */
    static final int QUEUE_CAPACITY = 256;

    /**
     * The time {@link #configureJdkServer()} gives a client to send its request line, headers
     * and body, counted from when the server first sees its bytes (waiting for a free thread
     * included); a connection that has not sent all of it by then is closed (measured bound:
     * this plus up to one second).
     */
    public static final Duration DEFAULT_MAX_REQUEST_TIME = Duration.ofSeconds(10);
    /**
     * The time {@link #configureJdkServer()} gives any response, event streams included, from
     * its headers to its last byte; then the JDK server closes the connection, which is the only
     * way to free a thread blocked writing to a client that stopped reading. Event streams end
     * themselves earlier ({@link LogHttpHandler#DEFAULT_MAX_STREAM_DURATION}) and EventSource
     * clients resume with {@code Last-Event-ID}.
     */
    public static final Duration DEFAULT_MAX_RESPONSE_TIME = Duration.ofSeconds(120);

    static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";
    static final String MAX_REQ_TIME_PROPERTY = "sun.net.httpserver.maxReqTime";
    static final String MAX_RSP_TIME_PROPERTY = "sun.net.httpserver.maxRspTime";
    static final String DRAIN_AMOUNT_PROPERTY = "sun.net.httpserver.drainAmount";

    private static final System.Logger LOG = System.getLogger(LogHttpServer.class.getName());
    private static final ThreadFactory REQUEST_THREADS = DaemonThreads.factory("http");

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final LogHttpHandler handler;
    private final AtomicBoolean closed = new AtomicBoolean();

    private LogHttpServer(Builder builder) {
        warnIfJdkServerUnconfigured();
        this.handler = builder.handler.build();
        ThreadFactory threadFactory = builder.threadFactory != null ? builder.threadFactory : REQUEST_THREADS;
        // no core threads: a thread is started only when no idle one waits (IdleFirstQueue), and
        // each ends after a minute without work
        IdleFirstQueue queue = new IdleFirstQueue(QUEUE_CAPACITY);
        this.executor = new ThreadPoolExecutor(0, builder.threads, 60, TimeUnit.SECONDS, queue, threadFactory,
                LogHttpServer::waitForRoom);
        queue.serve(executor);
        try {
            InetSocketAddress address = new InetSocketAddress(builder.host, builder.port);
            if (builder.sslContext != null) {
                HttpsServer https = HttpsServer.create(address, 0);
                https.setHttpsConfigurator(new HttpsConfigurator(builder.sslContext));
                this.server = https;
            } else {
                this.server = HttpServer.create(address, 0);
            }
        } catch (IOException e) {
            handler.close();
            executor.shutdownNow();
            throw new UncheckedIOException("cannot listen on " + builder.host + ":" + builder.port, e);
        }
        server.setExecutor(executor);
        AccessFilter access = builder.accessListeners.isEmpty() ? null
                : new AccessFilter(builder.accessListeners.toArray(AccessListener[]::new));
        HttpContext root = server.createContext("/", handler);
        if (access != null) {
            root.getFilters().add(access);
        }
        MountGuard guard = builder.mounts.isEmpty() ? null : builder.handler.mountGuard();
        builder.mounts.forEach((path, mounted) -> {
            HttpContext context = server.createContext(path, mounted);
            if (access != null) {
                context.getFilters().add(access); // first, so that refused requests are reported too
            }
            context.getFilters().add(guard);
        });
        server.start();
        LOG.log(System.Logger.Level.INFO, "container-logging HTTP API listening on {0}://{1}:{2,number,#}",
                builder.sslContext != null ? "https" : "http", builder.host, port());
        warnIfStreamsOutliveResponses(builder.handler.longestStream());
        if (!builder.handler.hasBearerToken() && !server.getAddress().getAddress().isLoopbackAddress()) {
            LOG.log(System.Logger.Level.WARNING, "the log API listens on " + server.getAddress()
                    + " without a bearer token: anyone who can reach it can read every log and attach"
                    + " containers (only loopback or allowed Host names are served)");
        }
    }

    /**
     * Sets the JDK server's JVM-wide properties to this library's defaults:
     * {@code configureJdkServer(DEFAULT_MAX_REQUEST_TIME, DEFAULT_MAX_RESPONSE_TIME)}.
     *
     * @see #configureJdkServer(Duration, Duration)
     */
    public static void configureJdkServer() {
        configureJdkServer(DEFAULT_MAX_REQUEST_TIME, DEFAULT_MAX_RESPONSE_TIME);
    }

    /**
     * Sets the system properties the JDK's {@code com.sun.net.httpserver} server reads, so that
     * it is fast and a slow or stalled client can hold only its own connection, for a bounded
     * time. Call it once, early, before any {@code HttpServer} (ours or the host's) is created in
     * this JVM: the JDK reads these properties once, and later calls have no effect on it. They
     * apply to every JDK {@code HttpServer} in the JVM. A property already set (e.g. with
     * {@code -D} on the command line) is left as it is.
     *
     * <ul>
     * <li>{@code sun.net.httpserver.nodelay=true}: {@code TCP_NODELAY}; without it every
     *     keep-alive response waits on Nagle's algorithm (measured 40 times slower).
     * <li>{@code sun.net.httpserver.maxReqTime}: request line, headers and body must arrive
     *     within {@code maxRequestTime}, or the connection is closed.
     * <li>{@code sun.net.httpserver.maxRspTime}: a response (streams included) is cut after
     *     {@code maxResponseTime}; this is what frees a thread blocked on a client that does not
     *     read. Keep it above the handler's {@code maxStreamDuration}.
     * <li>{@code sun.net.httpserver.drainAmount=0}: a request body that the handler did not read
     *     (a 401, a 413, an unknown path) is not drained after the response: the connection is
     *     closed instead, so an unauthenticated client cannot hold a thread by announcing a body
     *     it never sends.
     * </ul>
     *
     * @param maxRequestTime whole seconds, at least one
     * @param maxResponseTime whole seconds, at least one
     * @throws IllegalArgumentException if either is shorter than a second
     */
    public static void configureJdkServer(Duration maxRequestTime, Duration maxResponseTime) {
        long requestSeconds = seconds(maxRequestTime, "maxRequestTime");
        long responseSeconds = seconds(maxResponseTime, "maxResponseTime");
        setIfAbsent(NODELAY_PROPERTY, "true");
        setIfAbsent(MAX_REQ_TIME_PROPERTY, Long.toString(requestSeconds));
        setIfAbsent(MAX_RSP_TIME_PROPERTY, Long.toString(responseSeconds));
        setIfAbsent(DRAIN_AMOUNT_PROPERTY, "0");
    }

    private static long seconds(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.getSeconds() < 1) {
            throw new IllegalArgumentException(name + " must be at least one second, was " + duration);
        }
        return duration.getSeconds();
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    /** Streams should end themselves before the JDK server's maxRspTime cuts them mid-event. */
    private static void warnIfStreamsOutliveResponses(Duration longestStream) {
        String maxRspTime = System.getProperty(MAX_RSP_TIME_PROPERTY);
        try {
            if (maxRspTime != null && longestStream.compareTo(Duration.ofSeconds(Long.parseLong(maxRspTime.trim()))) >= 0) {
                LOG.log(System.Logger.Level.WARNING, "event streams may stay open " + longestStream
                        + " (maxStreamDuration + heartbeatInterval), not less than " + MAX_RSP_TIME_PROPERTY + "="
                        + maxRspTime + " s: the JDK server will cut them instead of their ending cleanly");
            }
        } catch (NumberFormatException e) {
            // the JDK ignores a malformed value too
        }
    }

    private static void warnIfJdkServerUnconfigured() {
        java.util.List<String> missing = new java.util.ArrayList<>();
        for (String property : new String[] {NODELAY_PROPERTY, MAX_REQ_TIME_PROPERTY, MAX_RSP_TIME_PROPERTY,
                DRAIN_AMOUNT_PROPERTY}) {
            if (System.getProperty(property) == null) {
                missing.add(property);
            }
        }
        if (!missing.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "JDK HTTP server properties not set: " + missing
                    + "; call LogHttpServer.configureJdkServer() before creating any HttpServer (slow"
                    + " keep-alive responses, no time bound on stalled clients otherwise)");
        }
    }

    /** When every thread is busy and the queue is full, the dispatcher waits instead of failing. */
    private static void waitForRoom(Runnable task, ThreadPoolExecutor executor) {
        if (executor.isShutdown()) {
            throw new RejectedExecutionException("server is closed");
        }
        try {
            executor.getQueue().put(task);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RejectedExecutionException("interrupted while waiting for a request thread", e);
        }
    }

    /**
     * A builder for a server serving {@code backend}.
     *
     * @throws NullPointerException if {@code backend} is null
     */
    public static Builder builder(LogBackend backend) {
        return new Builder(backend);
    }

    /** The port the server listens on (the ephemeral one chosen if {@code port(0)} was asked). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Request threads busy now (for tests: they all come back once stalled clients are cut off). */
    int activeRequestThreads() {
        return executor.getActiveCount();
    }

    /** The handler this server runs. */
    LogHttpHandler handler() {
        return handler;
    }

    /** The address the server listens on. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /**
     * Stops the server: ends open event streams, stops accepting, closes connections (requests in
     * progress are cut off), and stops its threads, waiting up to a second for them. Does not close
     * the backend or the attacher. Safe to call more than once.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        handler.close();
        server.stop(0);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(1, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Configures a {@link LogHttpServer}; the handler settings are those of
     * {@link LogHttpHandler.Builder}. Each setting may be given once. Not thread-safe.
     */
    public static final class Builder {
        private final LogHttpHandler.Builder handler;
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private int threads = DEFAULT_THREADS;
        private ThreadFactory threadFactory;
        private javax.net.ssl.SSLContext sslContext;
        private final java.util.Set<String> set = new java.util.HashSet<>();
        private final java.util.List<AccessListener> accessListeners = new java.util.ArrayList<>();
        private final java.util.Map<String, HttpHandler> mounts = new java.util.LinkedHashMap<>();

        private Builder(LogBackend backend) {
            this.handler = LogHttpHandler.builder(backend);
        }

        /**
         * Serves HTTPS with {@code sslContext} (the JDK's {@code HttpsServer}) instead of plain
         * HTTP. Default: plain HTTP.
         */
        public Builder https(javax.net.ssl.SSLContext sslContext) {
            once("https");
            this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
            return this;
        }

        private void once(String setting) {
            if (!set.add(setting)) {
                throw new IllegalStateException(setting + " was already set");
            }
        }

        /** The address to bind, a host name or IP literal. Default {@link #DEFAULT_HOST}. */
        public Builder host(String host) {
            once("host");
            Objects.requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new IllegalArgumentException("host must not be blank");
            }
            this.host = host;
            return this;
        }

        /** The port to bind; 0 picks a free one (read it with {@link #port()}). Default {@link #DEFAULT_PORT}. */
        public Builder port(int port) {
            once("port");
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be 0..65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /** Request threads. Default {@link #DEFAULT_THREADS}. */
        public Builder threads(int threads) {
            once("threads");
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1, was " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** Makes the request threads. Default: daemon threads named {@code container-logging-http-N}. */
        public Builder threadFactory(ThreadFactory threadFactory) {
            once("threadFactory");
            this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
            return this;
        }

        /** @see LogHttpHandler.Builder#attacher */
        public Builder attacher(ContainerAttacher attacher) {
            handler.attacher(attacher);
            return this;
        }

        /** @see LogHttpHandler.Builder#bearerToken */
        public Builder bearerToken(String token) {
            handler.bearerToken(token);
            return this;
        }

        /** @see LogHttpHandler.Builder#viewer */
        public Builder viewer(boolean enabled) {
            handler.viewer(enabled);
            return this;
        }

        /** @see LogHttpHandler.Builder#corsOrigin */
        public Builder corsOrigin(String origin) {
            handler.corsOrigin(origin);
            return this;
        }

        /** @see LogHttpHandler.Builder#maxLimit */
        public Builder maxLimit(int maxLimit) {
            handler.maxLimit(maxLimit);
            return this;
        }

        /** @see LogHttpHandler.Builder#heartbeatInterval */
        public Builder heartbeatInterval(Duration interval) {
            handler.heartbeatInterval(interval);
            return this;
        }

        /** @see LogHttpHandler.Builder#streamBufferSize */
        public Builder streamBufferSize(int size) {
            handler.streamBufferSize(size);
            return this;
        }

        /** @see LogHttpHandler.Builder#maxStreams */
        public Builder maxStreams(int maxStreams) {
            handler.maxStreams(maxStreams);
            return this;
        }

        /** @see LogHttpHandler.Builder#maxBodyBytes */
        public Builder maxBodyBytes(int maxBodyBytes) {
            handler.maxBodyBytes(maxBodyBytes);
            return this;
        }

        /** @see LogHttpHandler.Builder#maxResponseBytes */
        public Builder maxResponseBytes(int maxResponseBytes) {
            handler.maxResponseBytes(maxResponseBytes);
            return this;
        }

        /** @see LogHttpHandler.Builder#streamThreads */
        public Builder streamThreads(int streamThreads) {
            handler.streamThreads(streamThreads);
            return this;
        }

        /** @see LogHttpHandler.Builder#maxStreamDuration */
        public Builder maxStreamDuration(Duration duration) {
            handler.maxStreamDuration(duration);
            return this;
        }

        /** @see LogHttpHandler.Builder#streamWriteTimeout */
        public Builder streamWriteTimeout(Duration timeout) {
            handler.streamWriteTimeout(timeout);
            return this;
        }

        /** @see LogHttpHandler.Builder#allowedHosts */
        public Builder allowedHosts(String... hostNames) {
            handler.allowedHosts(hostNames);
            return this;
        }

        /** @see LogHttpHandler.Builder#gzipMinBytes */
        public Builder gzipMinBytes(int gzipMinBytes) {
            handler.gzipMinBytes(gzipMinBytes);
            return this;
        }

        /**
         * Tells {@code listener} about every request the server answers (the API's, and those of
         * {@link #mount mounted} handlers), when its response has ended: see {@link AccessFilter}.
         * May be called more than once; listeners are called in the order given. Default: none
         * (no filter at all).
         *
         * @throws NullPointerException if {@code listener} is null
         */
        public Builder accessListener(AccessListener listener) {
            accessListeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Also serves {@code handler} at {@code contextPath} (and every path below it), on the same
         * port and threads, behind the same rules as the API: the {@link #bearerToken} if one is
         * set, otherwise the {@code Host}/{@code Origin} check of {@link #allowedHosts}. A refused
         * request gets the API's 401 or 403 and never reaches {@code handler}. For example a
         * {@code /metrics} endpoint, or a second {@link LogHttpHandler} over another backend
         * (build it with the same token and hosts). The server does not close {@code handler}.
         * May be called once per path. Default: none.
         *
         * @param contextPath e.g. {@code /metrics}: starts with {@code /}, is not {@code /}, does
         *     not end with {@code /}, has no spaces, {@code ?} or {@code #}
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if {@code contextPath} is malformed, quoting it
         * @throws IllegalStateException if {@code contextPath} is already mounted
         */
        public Builder mount(String contextPath, HttpHandler handler) {
            Objects.requireNonNull(contextPath, "contextPath");
            Objects.requireNonNull(handler, "handler");
            if (!contextPath.startsWith("/") || contextPath.length() < 2 || contextPath.endsWith("/")
                    || contextPath.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f || c == '?' || c == '#')) {
                throw new IllegalArgumentException("contextPath must look like /metrics, was '" + contextPath + "'");
            }
            if (mounts.putIfAbsent(contextPath, handler) != null) {
                throw new IllegalStateException(contextPath + " is already mounted");
            }
            return this;
        }

        /**
         * Binds the port and starts serving.
         *
         * @throws UncheckedIOException if the address cannot be bound (e.g. the port is taken)
         */
        public LogHttpServer build() {
            return new LogHttpServer(this);
        }
    }
}
