package io.containerlogging.forward.webhook;

import io.containerlogging.core.LogMessage;
import io.containerlogging.core.forward.ForwardSink;
import io.containerlogging.core.forward.StoredMessage;
import io.containerlogging.core.spi.DaemonThreads;
import io.containerlogging.core.spi.SettingChecks;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;

/**
 * A {@link ForwardSink} that POSTs each batch to an HTTP(S) endpoint: the basis of alerts (a
 * forwarder with a filter such as "errors of service web", rate-limited by the forwarder) and of
 * any receiver that speaks JSON over HTTP.
 *
 * <h2>The request</h2>
 * {@code POST <uri>} with {@code Content-Type: application/json; charset=utf-8} and the body
 * {@code {"messages":[...]}}: every message of the batch, ids ascending, each as one object of
 * the library's JSON wire format ({@link io.containerlogging.core.LogJson}), with its {@code id}
 * and {@code deviceId}. With {@link Builder#summary(boolean) summary}, the object starts with a
 * {@code "text"} field, a plain-text digest that chat webhooks (Slack, Mattermost, Rocket.Chat)
 * post as the message. With {@link Builder#gzip(boolean) gzip} the body is gzip-compressed and
 * sent with {@code Content-Encoding: gzip}; a receiver that answers {@code 415 Unsupported Media
 * Type} gets the same batch again uncompressed at once, and every later one too. Extra
 * {@link Builder#header(String, String) headers} (e.g. {@code Authorization}) go with every
 * request and are never shown by {@link #target()} or in errors.
 *
 * <h2>Delivery: at least once</h2>
 * Any 2xx answer acknowledges the whole batch. Anything else — another status, a refused
 * connection, no answer within the timeouts — makes {@link #deliver} throw an
 * {@link IOException} naming the status and the first {@value #ERROR_EXCERPT_CHARS} characters of
 * the body (control characters replaced), and the forwarder posts the same batch again later.
 * A receiver that processed a batch but whose answer was lost sees it twice: it drops duplicates
 * by {@code deviceId} and {@code id}.
 *
 * <p>Every delivery ends within {@link Builder#connectTimeout(Duration) connectTimeout} plus
 * {@link Builder#requestTimeout(Duration) requestTimeout}. Response bodies are read up to 64 KiB
 * (so the connection can be reused), never more.
 *
 * <p>Thread-safety: thread-safe; a forwarder calls {@link #deliver} from one thread.
 */
public final class WebhookSink implements ForwardSink {

    /** Default {@link Builder#connectTimeout(Duration)}: 5 seconds. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Default {@link Builder#requestTimeout(Duration)}: 30 seconds. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** Default {@link Builder#gzip(boolean)}: off, since a receiver that ignores the encoding would see garbage. */
    public static final boolean DEFAULT_GZIP = false;
    /** Default {@link Builder#summary(boolean)}: off. */
    public static final boolean DEFAULT_SUMMARY = false;
    /** How many characters of an error response an {@link IOException} quotes. */
    public static final int ERROR_EXCERPT_CHARS = 200;

    static final long DRAIN_BYTES = 64 * 1024;

    private static final System.Logger LOG = System.getLogger(WebhookSink.class.getName());
    private static final String HTTP_SCHEME = "webhook+http";
    private static final String HTTPS_SCHEME = "webhook+https";

    private final URI uri;
    private final Map<String, String> headers;
    private final boolean summary;
    private final Duration requestTimeout;
    private final long deadlineNanos; // connect + request timeout: the most one delivery takes
    private final HttpClient client;
    private final ExecutorService ownExecutor;
    private final String target;
    private volatile boolean gzip;
    private volatile boolean closed;

    private WebhookSink(Builder config) {
        this.uri = config.uri;
        this.headers = Map.copyOf(config.headers);
        this.summary = config.summary;
        this.gzip = config.gzip;
        this.requestTimeout = config.requestTimeout;
        this.deadlineNanos = config.connectTimeout.plus(config.requestTimeout).toNanos();
        Executor executor = config.executor;
        this.ownExecutor = executor == null ? Executors.newCachedThreadPool(DaemonThreads.factory("webhook")) : null;
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(config.connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor == null ? ownExecutor : executor);
        if (config.sslContext != null) {
            client.sslContext(config.sslContext);
        }
        this.client = client.build();
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        this.target = "webhook+" + uri.getScheme() + "://" + uri.getHost() + ":" + port + path;
    }

    /**
     * A builder with every setting at its default; {@link Builder#uri(URI)} is required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A sink for a {@code FORWARD_TO} URI: {@code webhook+http://host[:port]/path} or
     * {@code webhook+https://...}, with optional {@code user:password@} (sent as HTTP basic
     * authentication; percent-encoded) and these query parameters, every other one staying part
     * of the receiver's URL (e.g. a {@code token} the receiver expects):
     * <ul>
     *   <li>{@code gzip=true|false} — {@link Builder#gzip(boolean)};</li>
     *   <li>{@code summary=true|false} — {@link Builder#summary(boolean)};</li>
     *   <li>{@code header.<Name>=<value>} — {@link Builder#header(String, String)}, e.g.
     *       {@code header.Authorization=Bearer%20abc}.</li>
     * </ul>
     * The forwarder removes its filter parameters before it calls this.
     *
     * @param uri the URI
     * @return a new sink; nothing is connected until the first delivery
     * @throws NullPointerException if {@code uri} is null
     * @throws IllegalArgumentException quoting what is wrong: another scheme, no host, a
     *     fragment, a user without a password, a bad flag or header
     */
    public static WebhookSink fromUri(URI uri) {
        Objects.requireNonNull(uri, "uri");
        String scheme = uri.getScheme();
        if (!HTTP_SCHEME.equals(scheme) && !HTTPS_SCHEME.equals(scheme)) {
            throw new IllegalArgumentException("a webhook URI starts with webhook+http:// or webhook+https://, was '"
                    + withoutSecrets(uri) + "'");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("a webhook URI needs a host, was '" + withoutSecrets(uri) + "'");
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException("a webhook URI has no fragment, was '#" + uri.getRawFragment() + "'");
        }
        Builder builder = builder();
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("a webhook URI with a user needs user:password, was user '"
                        + WebhookUriParts.decode(userInfo) + "' without a password");
            }
            builder.basicAuth(WebhookUriParts.decode(userInfo.substring(0, colon)),
                    WebhookUriParts.decode(userInfo.substring(colon + 1)));
        }
        StringBuilder receiverQuery = new StringBuilder();
        for (String parameter : WebhookUriParts.parameters(uri.getRawQuery())) {
            int equals = parameter.indexOf('=');
            String name = WebhookUriParts.decode(equals < 0 ? parameter : parameter.substring(0, equals));
            String value = equals < 0 ? "" : WebhookUriParts.decode(parameter.substring(equals + 1));
            if (name.equals("gzip")) {
                builder.gzip(WebhookUriParts.flag(name, value));
            } else if (name.equals("summary")) {
                builder.summary(WebhookUriParts.flag(name, value));
            } else if (name.startsWith("header.")) {
                builder.header(name.substring("header.".length()), value);
            } else {
                receiverQuery.append(receiverQuery.length() == 0 ? "" : "&").append(parameter);
            }
        }
        try {
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            String port = uri.getPort() == -1 ? "" : ":" + uri.getPort();
            builder.uri(new URI(scheme.substring("webhook+".length()) + "://" + uri.getHost() + port + path
                    + (receiverQuery.length() == 0 ? "" : "?" + receiverQuery)));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid webhook URI: '" + withoutSecrets(uri) + "'", e);
        }
        return builder.build();
    }

    /** {@code uri} without user info and query (either may hold a secret), for error messages. */
    private static String withoutSecrets(URI uri) {
        return uri.getScheme() + "://" + (uri.getRawUserInfo() == null ? "" : "***@")
                + (uri.getRawAuthority() == null ? "" : uri.getRawAuthority().replaceFirst("^.*@", ""))
                + (uri.getRawPath() == null ? "" : uri.getRawPath()) + (uri.getRawQuery() == null ? "" : "?...");
    }

    /** For example {@code webhook+https://hooks.example:443/alerts}; never credentials or the query. */
    @Override
    public String target() {
        return target;
    }

    /**
     * Posts {@code batch} and returns once the receiver answered 2xx. An empty batch posts nothing.
     *
     * @throws IOException naming the target and the status with an excerpt of the body, a
     *     refused connection, or a missing answer within the timeouts; also after {@link #close()}
     */
    @Override
    public void deliver(List<LogMessage> batch) throws IOException {
        Objects.requireNonNull(batch, "batch");
        deliver(batch.isEmpty(), compress -> WebhookBody.encode(batch, summary, compress));
    }

    /**
     * Posts {@code batch} as {@link #deliver} does, the stored JSON of each message copied into the
     * body as it is (the same body, without decoding and encoding every message again).
     */
    @Override
    public void deliverStored(List<StoredMessage> batch) throws IOException {
        Objects.requireNonNull(batch, "batch");
        deliver(batch.isEmpty(), compress -> WebhookBody.encodeStored(batch, summary, compress));
    }

    /** True: {@link #deliverStored} copies the stored JSON. */
    @Override
    public boolean sendsStoredJson() {
        return true;
    }

    private void deliver(boolean empty, java.util.function.Function<Boolean, byte[]> body) throws IOException {
        if (closed) {
            throw new IOException("webhook sink " + target + " is closed");
        }
        if (empty) {
            return;
        }
        boolean compress = gzip;
        HttpResponse<String> response = post(body.apply(compress), compress);
        if (compress && response.statusCode() == 415) {
            gzip = false;
            LOG.log(System.Logger.Level.WARNING, "webhook " + target + " refused gzip (415): sending uncompressed from now on");
            response = post(body.apply(false), false);
        }
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            throw new IOException("webhook " + target + " answered HTTP " + status + ": " + excerpt(response.body()));
        }
    }

    private HttpResponse<String> post(byte[] body, boolean compress) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(requestTimeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (compress) {
            request.header("Content-Encoding", "gzip");
        }
        headers.forEach(request::header);
        // The request timeout bounds the wait for the response headers; the body reader ends at
        // connect + request timeout after the start. A blocking send(), not sendAsync().get(): the asynchronous API hands
        // every completion to the executor once more, which cost a fifth of the throughput.
        long deadline = System.nanoTime() + deadlineNanos;
        try {
            return client.send(request.build(),
                    info -> new ResponseExcerpt(4 * ERROR_EXCERPT_CHARS, DRAIN_BYTES, deadline));
        } catch (HttpTimeoutException e) {
            throw new HttpTimeoutException("webhook " + target + " did not answer within " + requestTimeout);
        } catch (ConnectException e) {
            throw new ConnectException("cannot connect to webhook " + target + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while posting to webhook " + target);
        } catch (IOException e) {
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof TimeoutException) { // the body reader's deadline
                    throw new HttpTimeoutException("webhook " + target + " did not finish its answer within "
                            + Duration.ofNanos(deadlineNanos));
                }
            }
            throw new IOException("posting to webhook " + target + " failed: " + e, e);
        }
    }

    /** The first {@value #ERROR_EXCERPT_CHARS} chars of a response body, control characters as spaces. */
    static String excerpt(String body) {
        if (body == null || body.isEmpty()) {
            return "(empty body)";
        }
        StringBuilder out = new StringBuilder(Math.min(body.length(), ERROR_EXCERPT_CHARS));
        body.codePoints().limit(ERROR_EXCERPT_CHARS)
                .forEach(c -> out.appendCodePoint(Character.isISOControl(c) || c == 0xFFFD ? ' ' : c));
        return out.toString().strip();
    }

    /** Stops the sink's own HTTP worker threads; safe to call twice. */
    @Override
    public void close() {
        closed = true;
        if (ownExecutor != null) {
            ownExecutor.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "WebhookSink " + target;
    }

    // ---- configuration ------------------------------------------------------------------------

    /** Configures a {@link WebhookSink}; every setter checks its value at once. Not thread-safe. */
    public static final class Builder {
        private URI uri;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private boolean gzip = DEFAULT_GZIP;
        private boolean summary = DEFAULT_SUMMARY;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private SSLContext sslContext;
        private Executor executor;

        private Builder() {
        }

        /**
         * Where to POST: an absolute {@code http} or {@code https} URI with a host. Required.
         *
         * @throws NullPointerException if null
         * @throws IllegalArgumentException otherwise
         */
        public Builder uri(URI uri) {
            Objects.requireNonNull(uri, "uri");
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("uri must be http(s)://host[:port][/path], was '"
                        + withoutSecrets(uri) + "'");
            }
            this.uri = uri;
            return this;
        }

        /**
         * A header sent with every request, e.g. {@code Authorization}; a second call with the same
         * name (ignoring case) replaces the value. Never shown by {@link WebhookSink#target()}.
         *
         * @throws NullPointerException if either is null
         * @throws IllegalArgumentException if the name is not a valid header name, is one the sink
         *     sets itself ({@code Content-Type}, {@code Content-Encoding}) or one Java's HTTP client
         *     does not allow ({@code Host}, {@code Content-Length}, ...), or the value holds a line break;
         *     the message quotes the name, never the value
         */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "header name");
            Objects.requireNonNull(value, "header value");
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("content-type") || lower.equals("content-encoding")) {
                throw new IllegalArgumentException("header '" + name + "' is set by the webhook sink itself");
            }
            try {
                HttpRequest.newBuilder(URI.create("http://check.invalid/")).header(name, value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("header '" + name + "' cannot be sent (not a valid or allowed "
                        + "name, or the value holds a line break)");
            }
            headers.keySet().removeIf(existing -> existing.equalsIgnoreCase(name));
            headers.put(name, value);
            return this;
        }

        /**
         * HTTP basic authentication: the header {@code Authorization: Basic ...} (use https).
         *
         * @throws NullPointerException if either is null
         * @throws IllegalArgumentException if the user is empty or contains ':'
         */
        public Builder basicAuth(String user, String password) {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            if (user.isEmpty() || user.indexOf(':') >= 0) {
                throw new IllegalArgumentException("user must be non-empty without ':', was '" + user + "'");
            }
            return header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }

        /**
         * Whether to gzip the body ({@code Content-Encoding: gzip}); a 415 answer turns it off for
         * this sink. Default {@value WebhookSink#DEFAULT_GZIP}.
         */
        public Builder gzip(boolean gzip) {
            this.gzip = gzip;
            return this;
        }

        /**
         * Whether the body starts with a {@code "text"} digest for chat webhooks: the count, then
         * up to 10 lines {@code [level] service @device : line}, each cut at 200 chars, with
         * control characters as spaces and {@code & < >} escaped. Default
         * {@value WebhookSink#DEFAULT_SUMMARY}.
         */
        public Builder summary(boolean summary) {
            this.summary = summary;
            return this;
        }

        /**
         * The longest to wait for a connection. Default 5 seconds.
         *
         * @throws IllegalArgumentException if zero or negative
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = SettingChecks.positive(connectTimeout, "connectTimeout");
            return this;
        }

        /**
         * The longest to wait for the answer once connected. Default 30 seconds.
         *
         * @throws IllegalArgumentException if zero or negative
         */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = SettingChecks.positive(requestTimeout, "requestTimeout");
            return this;
        }

        /**
         * The TLS context for https (e.g. one that trusts a private CA). Default: the JVM's.
         *
         * @throws NullPointerException if null
         */
        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
            return this;
        }

        /**
         * Runs the HTTP client's asynchronous work. Default: the sink's own daemon threads named
         * {@code container-logging-webhook-N}, stopped by {@link WebhookSink#close()}; a supplied
         * executor is left running.
         *
         * @throws NullPointerException if null
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * A new sink with these settings; nothing is connected until the first delivery.
         *
         * @throws IllegalStateException if no {@link #uri(URI)} was set
         */
        public WebhookSink build() {
            if (uri == null) {
                throw new IllegalStateException("uri is required");
            }
            return new WebhookSink(this);
        }
    }
}
