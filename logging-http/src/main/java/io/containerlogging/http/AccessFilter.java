package io.containerlogging.http;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@code com.sun.net.httpserver} filter that tells {@link AccessListener}s about every request
 * of its context, once the response has ended, as an {@link AccessRecord}. {@link LogHttpServer}
 * adds it for {@link LogHttpServer.Builder#accessListener}; an application that mounts a
 * {@link LogHttpHandler} on its own server adds it itself:
 *
 * <pre>{@code
 * HttpContext context = hostServer.createContext("/logs", handler);
 * context.getFilters().add(new AccessFilter(record -> audit.info(record.toString())));
 * }</pre>
 *
 * <p>The response body stream is wrapped to count its bytes, and the record is made when that
 * stream is closed: event streams and large bodies that the handler finishes on other threads are
 * reported when they end, with their final byte count. A response without a body (HEAD, 204,
 * 304, a redirect) is reported when the handler returns. A handler that throws out of the filter is
 * reported at once, with status 0 unless it had sent one. (A handler that closes the exchange
 * without ever sending a status, as {@code LogHttpHandler} does only when the client went away
 * before any response, closes the connection without closing the body stream: that exchange is
 * not reported.) Starts no thread; costs one small object per request.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class AccessFilter extends Filter {

    /** The longest path and query kept in a record; longer ones are cut. */
    public static final int MAX_TEXT_CHARS = 1024;

    private static final System.Logger LOG = System.getLogger(AccessFilter.class.getName());

    private final List<AccessListener> listeners;
    private final Clock clock;
    private final AtomicBoolean warned = new AtomicBoolean();

    /**
     * A filter reporting to {@code listeners}, in order.
     *
     * @throws NullPointerException if {@code listeners} or one of them is null
     */
    public AccessFilter(AccessListener... listeners) {
        this(List.of(listeners), Clock.systemUTC());
    }

    AccessFilter(List<AccessListener> listeners, Clock clock) {
        this.listeners = List.copyOf(listeners);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String description() {
        return "reports each request to AccessListeners when its response ends";
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        Exchange access = new Exchange(exchange, clock.instant(), System.nanoTime());
        exchange.setStreams(null, access);
        try {
            chain.doFilter(exchange);
        } catch (IOException | RuntimeException e) {
            access.report();
            throw e;
        }
        if (access.endedWithoutBody()) {
            // The JDK server marks a response without a body as finished when its headers are
            // sent, and then never closes the body stream: report it here.
            access.report();
        }
    }

    /** The response body as the handler sees it: counts bytes and reports once when closed. */
    private final class Exchange extends FilterOutputStream {
        private final HttpExchange exchange;
        private final Instant time;
        private final long startNanos;
        private final AtomicBoolean reported = new AtomicBoolean();
        // Writers of one response body never write concurrently (the stream below is not
        // thread-safe either); volatile so that a close on another thread reads the final count.
        private volatile long bytes;

        Exchange(HttpExchange exchange, Instant time, long startNanos) {
            super(exchange.getResponseBody());
            this.exchange = exchange;
            this.time = time;
            this.startNanos = startNanos;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            bytes++;
        }

        @Override
        public void write(byte[] buffer, int offset, int length) throws IOException {
            out.write(buffer, offset, length);
            bytes += length;
        }

        @Override
        public void close() throws IOException {
            try {
                out.close();
            } finally {
                report();
            }
        }

        /**
         * Whether the response was sent, on this thread, without a body: a HEAD, 1xx, 204, 304, or
         * a {@code sendResponseHeaders(status, -1)}. A response still to be sent from another
         * thread shows as -1 here, and its headers are not read (they may be changing).
         */
        boolean endedWithoutBody() {
            int status = exchange.getResponseCode();
            if (status <= 0) {
                return false;
            }
            return exchange.getRequestMethod().equals("HEAD") || status < 200 || status == 204 || status == 304
                    || "0".equals(exchange.getResponseHeaders().getFirst("Content-length"));
        }

        void report() {
            if (!reported.compareAndSet(false, true)) {
                return;
            }
            AccessRecord record;
            try {
                record = record();
            } catch (RuntimeException e) {
                warnOnce("cannot describe a request for the access log", e);
                return;
            }
            for (AccessListener listener : listeners) {
                try {
                    listener.accessed(record);
                } catch (RuntimeException e) {
                    warnOnce("an AccessListener failed (" + listener + "); further failures are not logged", e);
                }
            }
        }

        private AccessRecord record() {
            String rawPath = exchange.getRequestURI().getRawPath();
            String path = rawPath == null ? "" : rawPath;
            int status = exchange.getResponseCode();
            InetSocketAddress remote = exchange.getRemoteAddress();
            String address = remote == null || remote.getAddress() == null ? "" : remote.getAddress().getHostAddress();
            return new AccessRecord(time, address,
                    LogApi.bearerCredentials(exchange.getRequestHeaders().getFirst("Authorization")) != null,
                    exchange.getRequestMethod(),
                    endpoint(exchange.getHttpContext().getPath(), path),
                    cut(path), maskedQuery(exchange.getRequestURI().getRawQuery()),
                    Math.max(status, 0), bytes, Duration.ofNanos(System.nanoTime() - startNanos));
        }
    }

    private void warnOnce(String message, RuntimeException e) {
        if (warned.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, message, e);
        }
    }

    /** The route name of {@code path} below {@code contextPath}: see {@link AccessRecord#endpoint}. */
    static String endpoint(String contextPath, String path) {
        String context = contextPath.endsWith("/") ? contextPath.substring(0, contextPath.length() - 1) : contextPath;
        if (!path.startsWith(context)) {
            return "other";
        }
        String relative = path.substring(context.length());
        String route;
        switch (relative) {
            case "/api/v1/logs":
            case "/api/v1/logs/count":
            case "/api/v1/logs/stream":
            case "/api/v1/stream-tickets":
                route = relative;
                break;
            case "":
            case "/":
            case "/viewer.js":
            case "/viewer.css":
                return context.isEmpty() ? "/" : context;
            default:
                if (relative.startsWith("/api/v1/logs/") && relative.endsWith("/attach")
                        && relative.indexOf('/', "/api/v1/logs/".length()) == relative.length() - "/attach".length()
                        && relative.length() > "/api/v1/logs//attach".length()) {
                    route = "/api/v1/logs/{containerId}/attach";
                } else {
                    return "other";
                }
        }
        return context + route;
    }

    /** The raw query with the value of every {@code ticket} parameter masked, cut to the limit. */
    static String maskedQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        StringBuilder masked = new StringBuilder(Math.min(rawQuery.length(), MAX_TEXT_CHARS + 16));
        String[] parameters = rawQuery.split("&", -1);
        for (int i = 0; i < parameters.length && masked.length() <= MAX_TEXT_CHARS; i++) {
            String parameter = parameters[i];
            if (i > 0) {
                masked.append('&');
            }
            int equals = parameter.indexOf('=');
            String name = equals < 0 ? parameter : parameter.substring(0, equals);
            if (equals >= 0 && isTicket(name)) {
                masked.append(name).append("=***");
            } else {
                masked.append(parameter);
            }
        }
        return cut(masked.toString());
    }

    private static boolean isTicket(String rawName) {
        try {
            return URLDecoder.decode(rawName, StandardCharsets.UTF_8).equals("ticket");
        } catch (IllegalArgumentException e) {
            return false; // a malformed escape: the API refuses the request with 400 too
        }
    }

    private static String cut(String text) {
        return text.length() <= MAX_TEXT_CHARS ? text : text.substring(0, MAX_TEXT_CHARS);
    }
}
