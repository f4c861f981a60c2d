package io.containerlogging.opensearch;

import io.containerlogging.core.LogMessage;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.core.BulkResponse;
import org.opensearch.client.opensearch.core.bulk.BulkOperation;
import org.opensearch.client.transport.OpenSearchTransport;

/**
 * The reference {@link OpenSearchSink} is measured against (benchmarks only, in the sink's package
 * to use the same document class): the same client and transport, the same bulk {@code index}
 * requests with the same documents, ids and index names, and nothing else: no template, no
 * request splitting, only the {@code errors} flag of the response checked.
 */
public final class PlainBulkLoop implements AutoCloseable {

    private final OpenSearchTransport transport;
    private final OpenSearchClient client;
    private final OpenSearchStore names;

    public PlainBulkLoop(URI endpoint, String indexPrefix) {
        this.transport = OpenSearchConnection.transport(List.of(endpoint), null, null, null,
                Duration.ofSeconds(5), Duration.ofSeconds(30));
        this.client = new OpenSearchClient(transport);
        this.names = new OpenSearchStore(transport, indexPrefix);
    }

    /** Indexes one batch as one bulk request; throws if the response reports any error. */
    public void deliver(List<LogMessage> batch) throws IOException {
        List<BulkOperation> operations = new ArrayList<>(batch.size());
        for (LogMessage message : batch) {
            String index = names.indexFor(message.timestamp());
            LogDocument document = LogDocument.forwarded(message);
            String id = LogDocument.forwardedId(message);
            operations.add(BulkOperation.of(o -> o.index(i -> i.index(index).id(id).document(document))));
        }
        BulkResponse response = client.bulk(b -> b.operations(operations));
        if (response.errors()) {
            throw new IOException("bulk request had errors");
        }
    }

    @Override
    public void close() throws IOException {
        transport.close();
    }
}
