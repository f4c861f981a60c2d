package io.containerlogging.opensearch;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.util.Timeout;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

/** Builds the HTTP transport to the OpenSearch nodes from the backend's connection settings. */
final class OpenSearchConnection {

    private OpenSearchConnection() {
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
