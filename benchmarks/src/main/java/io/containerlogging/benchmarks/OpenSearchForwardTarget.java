package io.containerlogging.benchmarks;

import io.containerlogging.core.LogQuery;
import io.containerlogging.core.forward.ForwardSink;
import io.containerlogging.opensearch.OpenSearchLogBackend;
import io.containerlogging.opensearch.OpenSearchSink;
import io.containerlogging.opensearch.PlainBulkLoop;
import io.containerlogging.testing.OpenSearchNode;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.codelibs.opensearch.runner.OpenSearchRunner;

/**
 * A real OpenSearch node started in this JVM (port 9201, as the tests'), the index template put
 * once, the indices deleted after every run; messages counted per device through an
 * {@link OpenSearchLogBackend}, the central API.
 */
final class OpenSearchForwardTarget implements ForwardTarget {

    private static final String PREFIX = "bench-forward";

    private final OpenSearchRunner node;
    private final URI endpoint = URI.create(OpenSearchNode.url());
    private final OpenSearchLogBackend central;
    private final List<PlainBulkLoop> loops = new ArrayList<>();

    OpenSearchForwardTarget() throws IOException {
        node = OpenSearchNode.start();
        central = OpenSearchLogBackend.builder().endpoints(List.of(endpoint)).indexPrefix(PREFIX).build();
        central.initialize();
        // Installs the index template, so the plain loop's indices get the same mapping.
        try (ForwardSink sink = newSink()) {
            sink.deliver(ForwardRatios.messages(1, "template"));
        }
        reset();
    }

    @Override
    public ForwardSink newSink() {
        return OpenSearchSink.builder().endpoints(List.of(endpoint)).indexPrefix(PREFIX).build();
    }

    @Override
    public PlainLoop plainLoop() {
        PlainBulkLoop loop = new PlainBulkLoop(endpoint, PREFIX);
        loops.add(loop);
        return loop::deliver;
    }

    @Override
    public void verify(String device, int count) {
        central.flush();
        long stored = central.count(LogQuery.builder().deviceId(device).build());
        if (stored != count) {
            throw new IllegalStateException(device + ": " + stored + " documents, expected " + count);
        }
    }

    @Override
    public void reset() throws IOException {
        node.deleteIndex(PREFIX + "-*");
        for (PlainBulkLoop loop : loops) {
            loop.close();
        }
        loops.clear();
    }

    @Override
    public String describe() {
        return "OpenSearch node in the same JVM";
    }

    @Override
    public void close() throws IOException {
        central.close();
        node.close();
        node.clean();
    }
}
