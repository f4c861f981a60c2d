package io.containerlogging.opensearch;

import java.io.IOException;
import org.apache.hc.core5.http.HttpHost;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

/** Direct access to the test node with the official client, for setup and teardown. */
final class TestIndices {

    private TestIndices() {
    }

    static OpenSearchClient client() {
        OpenSearchTransport transport = ApacheHttpClient5TransportBuilder
                .builder(new HttpHost("http", "localhost", OpenSearchNode.HTTP_PORT)).build();
        return new OpenSearchClient(transport);
    }

    /** Deletes the indices and the template of {@code prefix}, so the node stays small. */
    static void delete(String prefix) throws IOException {
        OpenSearchClient client = client();
        try {
            client.indices().delete(d -> d.index(prefix + "-*").ignoreUnavailable(true).allowNoIndices(true));
            client.indices().deleteIndexTemplate(d -> d.name(prefix));
        } catch (org.opensearch.client.opensearch._types.OpenSearchException e) {
            // no template: the backend never wrote
        } finally {
            client._transport().close();
        }
    }
}
