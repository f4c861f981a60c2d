package io.containerlogging.opensearch;

import io.containerlogging.core.LogMessage;
import io.containerlogging.core.forward.ForwardSink;
import io.containerlogging.core.spi.SettingChecks;
import io.containerlogging.core.forward.RejectedMessagesException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.opensearch.client.opensearch.core.BulkResponse;
import org.opensearch.client.opensearch.core.bulk.BulkResponseItem;

/**
 * A {@link ForwardSink} that indexes forwarded messages into OpenSearch, in the indices an
 * {@link OpenSearchLogBackend} with the same {@link Builder#indexPrefix(String) indexPrefix} reads:
 * such a backend (the "central API") then answers queries and counts over every forwarding
 * device, and {@code deviceId} narrows them to one device exactly.
 *
 * <h2>Delivery: effectively once</h2>
 * Each message is written with the bulk {@code index} action under the document id
 * {@code <deviceId>:<id>} ({@code -:<id>} without a device id), so a batch delivered again after a
 * failure or a crash overwrites its documents instead of adding copies, and two devices whose
 * local ids coincide do not overwrite each other. {@link #deliver} returns only when the bulk
 * response reports every item written; any failed item, an unreachable node, a timeout or a
 * refused request is an {@link IOException} naming the first cause, and the forwarder delivers
 * the whole batch again. A batch of long lines goes as several requests of at most
 * {@link Builder#maxRequestBytes(long) maxRequestBytes}.
 *
 * <h2>Ids on the central backend</h2>
 * A forwarded message keeps its device's id ({@code log-N}, N counted by that device), so ids
 * repeat across devices. On the central backend, {@code deviceId} with {@code afterId} pages
 * through one device exactly; {@code afterId} without {@code deviceId} means "N above this" on
 * every device at once, which orders by each device's own count, not by time. Counts are exact
 * either way.
 *
 * <p>Thread-safety: {@link #deliver} is called by one forwarder thread at a time; {@link #target()}
 * and {@link #close()} may be called from any thread.
 */
public final class OpenSearchSink implements ForwardSink {

    /** The port of an {@code opensearch+http(s)://host} URI without one: OpenSearch's default. */
    public static final int DEFAULT_PORT = 9200;

    private static final String HTTP_SCHEME = "opensearch+http";
    private static final String HTTPS_SCHEME = "opensearch+https";

    private final OpenSearchStore store;
    private final String target;
    private final long maxRequestBytes;
    private volatile boolean templateReady;

    private OpenSearchSink(Builder config) {
        this.store = new OpenSearchStore(OpenSearchConnection.transport(config.endpoints, config.username,
                config.password, config.sslContext, config.connectTimeout, config.requestTimeout), config.indexPrefix);
        this.maxRequestBytes = config.maxRequestBytes;
        this.target = config.endpoints.stream()
                .map(uri -> "opensearch+" + uri.getScheme() + "://" + uri.getHost() + ":" + port(uri))
                .collect(Collectors.joining(",")) + "/" + config.indexPrefix + "-*";
    }

    /**
     * A builder with every setting at its default.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A sink for a {@code FORWARD_TO} URI: {@code opensearch+http://host[:port]} or
     * {@code opensearch+https://host[:port]}, port {@value #DEFAULT_PORT} by default, optionally
     * with {@code user:password@} (HTTP basic authentication, percent-encoded; use https) and the
     * query parameter {@code indexPrefix} (default {@value OpenSearchLogBackend#DEFAULT_INDEX_PREFIX}).
     * https trusts the JVM's default trust store ({@code javax.net.ssl.trustStore}); for a
     * private CA without that, build with {@link Builder#sslContext(SSLContext)}. The forwarder
     * removes its filter parameters before it calls this.
     *
     * @param uri the URI
     * @return a new sink; nothing is connected until the first delivery
     * @throws NullPointerException if {@code uri} is null
     * @throws IllegalArgumentException quoting what is wrong: another scheme, no host, a path, a
     *     fragment, a user without a password, an unknown parameter or a bad index prefix
     */
    public static OpenSearchSink fromUri(URI uri) {
        Objects.requireNonNull(uri, "uri");
        String scheme = uri.getScheme();
        if (!HTTP_SCHEME.equals(scheme) && !HTTPS_SCHEME.equals(scheme)) {
            throw new IllegalArgumentException("an OpenSearch URI starts with opensearch+http:// or opensearch+https://, was '"
                    + redacted(uri) + "'");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("an OpenSearch URI needs a host, was '" + redacted(uri) + "'");
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
            throw new IllegalArgumentException("an OpenSearch URI has no path (the indices are named by the "
                    + "indexPrefix parameter), was '" + uri.getRawPath() + "' in '" + redacted(uri) + "'");
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException("an OpenSearch URI has no fragment, was '#" + uri.getRawFragment() + "'");
        }
        Builder builder = builder();
        try {
            builder.endpoints(List.of(new URI(scheme.substring("opensearch+".length()), null, uri.getHost(),
                    uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort(), null, null, null)));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid OpenSearch URI: '" + redacted(uri) + "'", e);
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("an OpenSearch URI with a user needs user:password, was user '"
                        + decode(userInfo) + "' without a password");
            }
            builder.basicAuth(decode(userInfo.substring(0, colon)), decode(userInfo.substring(colon + 1)));
        }
        String query = uri.getRawQuery();
        if (query != null && !query.isEmpty()) {
            for (String parameter : query.split("&")) {
                int equals = parameter.indexOf('=');
                String name = decode(equals < 0 ? parameter : parameter.substring(0, equals));
                String value = equals < 0 ? "" : decode(parameter.substring(equals + 1));
                if (!"indexPrefix".equals(name)) {
                    throw new IllegalArgumentException("unknown parameter '" + name + "' in an OpenSearch URI "
                            + "(known: indexPrefix)");
                }
                builder.indexPrefix(value);
            }
        }
        return builder.build();
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** {@code uri} without its user info, for error messages. */
    private static String redacted(URI uri) {
        if (uri.getRawUserInfo() == null) {
            return uri.toString();
        }
        return uri.toString().replace(uri.getRawUserInfo() + "@", "***@");
    }

    private static int port(URI endpoint) {
        if (endpoint.getPort() != -1) {
            return endpoint.getPort();
        }
        return "https".equals(endpoint.getScheme()) ? 443 : 80;
    }

    /** For example {@code opensearch+http://os1:9200/container-logs-*}; never credentials. */
    @Override
    public String target() {
        return target;
    }

    /**
     * Indexes {@code batch} and returns once OpenSearch has acknowledged every message; installs
     * the index template before the first write.
     *
     * @throws IOException if OpenSearch cannot be reached, times out, refuses a request or any
     *     item: the message names the status and reason of the first failure
     */
    @Override
    public void deliver(List<LogMessage> batch) throws IOException {
        Objects.requireNonNull(batch, "batch");
        try {
            if (!templateReady) {
                store.putTemplate();
                templateReady = true;
            }
            List<String> rejected = new java.util.ArrayList<>();
            String firstRejection = null;
            int from = 0;
            while (from < batch.size()) {
                int to = from;
                long bytes = 0;
                while (to < batch.size()) {
                    long size = BulkWriter.estimatedBytes(batch.get(to));
                    if (to > from && bytes + size > maxRequestBytes) {
                        break;
                    }
                    bytes += size;
                    to++;
                }
                List<LogMessage> request = batch.subList(from, to);
                String refused = checkEveryItem(request, store.bulkForwarded(request), rejected);
                firstRejection = firstRejection == null ? refused : firstRejection;
                from = to;
            }
            if (!rejected.isEmpty()) {
                throw new RejectedMessagesException("OpenSearch at " + target + " refused " + rejected.size()
                        + " of " + batch.size() + " messages for good; first " + firstRejection, rejected);
            }
        } catch (IOException | RuntimeException e) { // the client's server errors are unchecked
            if (e instanceof RefusedItems || e instanceof RejectedMessagesException) {
                throw (IOException) e;
            }
            throw new IOException("OpenSearch at " + target + " failed the delivery: " + e, e);
        }
    }

    /**
     * Throws if any item failed for a reason that may pass (overload, a node away: 429 and 5xx),
     * so that the whole batch is delivered again (idempotent: the ids stay). Items refused for good
     * (other 4xx, e.g. a document the mapping cannot take) are added to {@code rejected}.
     *
     * @return the first refusal for good, described, or null
     */
    private String checkEveryItem(List<LogMessage> request, BulkResponse response, List<String> rejected)
            throws IOException {
        if (!response.errors()) {
            return null;
        }
        List<BulkResponseItem> items = response.items();
        int failed = 0;
        String first = null;
        String firstRejected = null;
        for (int i = 0; i < items.size(); i++) {
            BulkResponseItem item = items.get(i);
            if (item.error() != null) {
                String described = request.get(i).id() + " of device " + request.get(i).deviceId() + ": status "
                        + item.status() + ", " + item.error().type() + ": " + item.error().reason();
                if (item.status() >= 400 && item.status() < 500 && item.status() != 429 && item.status() != 408) {
                    rejected.add(request.get(i).id());
                    firstRejected = firstRejected == null ? described : firstRejected;
                } else {
                    failed++;
                    first = first == null ? described : first;
                }
            }
        }
        if (failed > 0) {
            throw new RefusedItems("OpenSearch at " + target + " refused " + failed + " of " + request.size()
                    + " messages; first " + first);
        }
        return firstRejected;
    }

    /** Items of a bulk response that failed: its message already says all. */
    private static final class RefusedItems extends IOException {
        private static final long serialVersionUID = 1L;

        RefusedItems(String message) {
            super(message);
        }
    }

    /** Closes the HTTP client; safe to call twice. */
    @Override
    public void close() throws IOException {
        store.close();
    }

    @Override
    public String toString() {
        return "OpenSearchSink " + target;
    }

    // ---- configuration ------------------------------------------------------------------------

    /**
     * Configures an {@link OpenSearchSink}; the settings mean what they mean for
     * {@link OpenSearchLogBackend.Builder} and are checked the same way. Not thread-safe.
     */
    public static final class Builder {
        private List<URI> endpoints = List.of(OpenSearchLogBackend.DEFAULT_ENDPOINT);
        private String username;
        private String password;
        private SSLContext sslContext;
        private String indexPrefix = OpenSearchLogBackend.DEFAULT_INDEX_PREFIX;
        private long maxRequestBytes = OpenSearchLogBackend.DEFAULT_MAX_REQUEST_BYTES;
        private Duration connectTimeout = OpenSearchLogBackend.DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = OpenSearchLogBackend.DEFAULT_REQUEST_TIMEOUT;

        private Builder() {
        }

        /**
         * The nodes to talk to, e.g. {@code http://os1:9200}. Default {@code http://localhost:9200}.
         *
         * @throws NullPointerException if null or containing null
         * @throws IllegalArgumentException if empty, or an endpoint is not an absolute http(s) URI
         *     with a host and without a path
         */
        public Builder endpoints(List<URI> endpoints) {
            this.endpoints = OpenSearchConnection.checkedEndpoints(endpoints);
            return this;
        }

        /**
         * The nodes to talk to, as URLs.
         *
         * @see #endpoints(List)
         */
        public Builder endpoints(String... urls) {
            this.endpoints = OpenSearchConnection.parsedEndpoints(urls);
            return this;
        }

        /**
         * HTTP basic authentication, sent with every request (use https endpoints). Default none.
         *
         * @throws NullPointerException if either is null
         * @throws IllegalArgumentException if the username is empty or contains ':'
         */
        public Builder basicAuth(String username, String password) {
            OpenSearchConnection.checkBasicAuth(username, password);
            this.username = username;
            this.password = password;
            return this;
        }

        /**
         * The TLS context for https endpoints (e.g. one that trusts the cluster's CA). Default:
         * the JVM's default context.
         *
         * @throws NullPointerException if null
         */
        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
            return this;
        }

        /**
         * The prefix of the daily indices, the same as the central backend's. Default
         * {@value OpenSearchLogBackend#DEFAULT_INDEX_PREFIX}.
         *
         * @throws IllegalArgumentException unless lowercase letters, digits, '.', '_' and '-',
         *     starting with a letter or digit
         */
        public Builder indexPrefix(String indexPrefix) {
            this.indexPrefix = OpenSearchConnection.checkedIndexPrefix(indexPrefix);
            return this;
        }

        /**
         * The most bytes (estimated) one bulk request may carry; a larger batch goes as several
         * requests. Default 10 MiB.
         *
         * @throws IllegalArgumentException if below 64 KiB
         */
        public Builder maxRequestBytes(long maxRequestBytes) {
            this.maxRequestBytes = OpenSearchConnection.checkedMaxRequestBytes(maxRequestBytes);
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
         * The longest to wait for each bulk response; a delivery of one request takes at most
         * about this long. Default 30 seconds.
         *
         * @throws IllegalArgumentException if zero or negative
         */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = SettingChecks.positive(requestTimeout, "requestTimeout");
            return this;
        }

        /** A new sink with these settings; nothing is connected until the first delivery. */
        public OpenSearchSink build() {
            return new OpenSearchSink(this);
        }
    }
}
