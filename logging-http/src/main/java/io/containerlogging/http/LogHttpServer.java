package io.containerlogging.http;

import com.sun.net.httpserver.HttpServer;
import io.containerlogging.core.ContainerAttacher;
import io.containerlogging.core.LogBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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
 * refusing connections). Open event streams do not hold pool threads.
 *
 * <p>Before creating the server, {@code build()} sets the system property
 * {@code sun.net.httpserver.nodelay=true} unless it is already set: without {@code TCP_NODELAY}
 * the JDK server is about 40 times slower for keep-alive clients. The JDK reads the property
 * once, so it applies only if no {@code HttpServer} was created earlier in this JVM.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class LogHttpServer implements AutoCloseable {

    /** The default bind address: loopback only, so nothing is exposed by accident. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The default port, as in the seed's examples. */
    public static final int DEFAULT_PORT = 3000;
    /** The default number of request threads. */
    public static final int DEFAULT_THREADS = 4;
    /** Requests that may wait for a free thread before the accepting thread waits. */
    static final int QUEUE_CAPACITY = 256;

    static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

    private static final System.Logger LOG = System.getLogger(LogHttpServer.class.getName());
    private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final LogHttpHandler handler;
    private final AtomicBoolean closed = new AtomicBoolean();

    private LogHttpServer(Builder builder) {
        ensureNoDelay();
        this.handler = builder.handler.build();
        ThreadFactory threadFactory = builder.threadFactory != null ? builder.threadFactory : runnable -> {
            Thread thread = new Thread(runnable, "container-logging-http-" + THREAD_NUMBER.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        this.executor = new ThreadPoolExecutor(builder.threads, builder.threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUE_CAPACITY), threadFactory, LogHttpServer::waitForRoom);
        try {
            this.server = HttpServer.create(new InetSocketAddress(builder.host, builder.port), 0);
        } catch (IOException e) {
            handler.close();
            executor.shutdownNow();
            throw new UncheckedIOException("cannot listen on " + builder.host + ":" + builder.port, e);
        }
        server.setExecutor(executor);
        server.createContext("/", handler);
        server.start();
        LOG.log(System.Logger.Level.INFO, "container-logging HTTP API listening on {0}:{1,number,#}",
                builder.host, port());
    }

    private static void ensureNoDelay() {
        if (System.getProperty(NODELAY_PROPERTY) == null) {
            System.setProperty(NODELAY_PROPERTY, "true");
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
        private final java.util.Set<String> set = new java.util.HashSet<>();

        private Builder(LogBackend backend) {
            this.handler = LogHttpHandler.builder(backend);
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

        /** @see LogHttpHandler.Builder#gzipMinBytes */
        public Builder gzipMinBytes(int gzipMinBytes) {
            handler.gzipMinBytes(gzipMinBytes);
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
