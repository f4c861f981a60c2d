package io.containerlogging.opensearch;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.util.Timeout;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

/**
 * The connection settings that {@link OpenSearchLogBackend} and {@link OpenSearchSink} share: their
 * checks (one wording for both builders) and the HTTP transport built from them.
 */
final class OpenSearchConnection {

    private static final Pattern INDEX_PREFIX = Pattern.compile("[a-z0-9][a-z0-9._-]{0,199}");

    private OpenSearchConnection() {
    }

    /**
     * {@code endpoints} checked: absolute http(s) URIs with a host and without a path.
     *
     * @throws NullPointerException if null or containing null
     * @throws IllegalArgumentException if empty or an endpoint is not of that form
     */
    static List<URI> checkedEndpoints(List<URI> endpoints) {
        Objects.requireNonNull(endpoints, "endpoints");
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("endpoints must not be empty");
        }
        List<URI> checked = new ArrayList<>();
        for (URI endpoint : endpoints) {
            Objects.requireNonNull(endpoint, "an endpoint must not be null");
            if (!("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme()))
                    || endpoint.getHost() == null
                    || (endpoint.getPath() != null && !endpoint.getPath().isEmpty() && !endpoint.getPath().equals("/"))) {
                throw new IllegalArgumentException(
                        "endpoint must be http(s)://host[:port] without a path, was '" + endpoint + "'");
            }
            checked.add(endpoint);
        }
        return List.copyOf(checked);
    }

    /** URLs parsed as endpoints, then {@link #checkedEndpoints(List)}. */
    static List<URI> parsedEndpoints(String... urls) {
        List<URI> uris = new ArrayList<>();
        for (String url : Objects.requireNonNull(urls, "urls")) {
            Objects.requireNonNull(url, "an endpoint must not be null");
            try {
                uris.add(URI.create(url.trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("endpoint is not a URI: '" + url + "'", e);
            }
        }
        return checkedEndpoints(uris);
    }

    /**
     * {@code indexPrefix} checked: lowercase letters, digits, '.', '_' and '-', starting with a
     * letter or digit, at most 200 chars.
     */
    static String checkedIndexPrefix(String indexPrefix) {
        Objects.requireNonNull(indexPrefix, "indexPrefix");
        if (!INDEX_PREFIX.matcher(indexPrefix).matches()) {
            throw new IllegalArgumentException("indexPrefix must be lowercase [a-z0-9._-] starting with "
                    + "a letter or digit, was '" + indexPrefix + "'");
        }
        return indexPrefix;
    }

    /** {@code maxRequestBytes} checked: at least 64 KiB. */
    static long checkedMaxRequestBytes(long maxRequestBytes) {
        if (maxRequestBytes < 64 * 1024) {
            throw new IllegalArgumentException("maxRequestBytes must be >= 65536, was " + maxRequestBytes);
        }
        return maxRequestBytes;
    }

    /** Checks basic-auth credentials: both present, the username non-empty without ':'. */
    static void checkBasicAuth(String username, String password) {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        if (username.isEmpty() || username.indexOf(':') >= 0) {
            throw new IllegalArgumentException("username must be non-empty without ':', was '" + username + "'");
        }
    }

    static OpenSearchTransport transport(List<URI> endpoints, String username, String password,
            SSLContext sslContext, Duration connectTimeout, Duration requestTimeout) {
        HttpHost[] hosts = endpoints.stream()
                .map(uri -> new HttpHost(uri.getScheme(), uri.getHost(), port(uri)))
                .toArray(HttpHost[]::new);
        ApacheHttpClient5TransportBuilder builder = ApacheHttpClient5TransportBuilder.builder(hosts);
        if (username != null) {
            String credentials = username + ":" + password;
            builder.setDefaultHeaders(new Header[] {new BasicHeader("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))});
        }
        if (sslContext != null) {
            builder.setHttpClientConfigCallback(client -> client.setConnectionManager(
                    PoolingAsyncClientConnectionManagerBuilder.create()
                            .setTlsStrategy(ClientTlsStrategyBuilder.create().setSslContext(sslContext).build())
                            .build()));
        }
        Timeout connect = Timeout.ofMilliseconds(connectTimeout.toMillis());
        Timeout response = Timeout.ofMilliseconds(requestTimeout.toMillis());
        builder.setRequestConfigCallback(request -> request.setConnectTimeout(connect).setResponseTimeout(response));
        return builder.build();
    }

    private static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equals(uri.getScheme()) ? 443 : 80;
    }
}
