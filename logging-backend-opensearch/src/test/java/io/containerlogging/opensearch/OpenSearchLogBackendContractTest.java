package io.containerlogging.opensearch;

import io.containerlogging.core.LogBackend;
import io.containerlogging.tck.LogBackendContractTest;
import io.containerlogging.testing.OpenSearchNode;
import io.containerlogging.testing.OpenSearchTest;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;

/** The shared contract, against a real OpenSearch node, each test in indices of its own. */
@OpenSearchTest
class OpenSearchLogBackendContractTest extends LogBackendContractTest {

    private static final AtomicInteger TESTS = new AtomicInteger();

    private String prefix;

    @Override
    protected LogBackend createBackend(Clock clock) {
        prefix = "tck-" + TESTS.incrementAndGet();
        return OpenSearchLogBackend.builder().endpoints(OpenSearchNode.url()).indexPrefix(prefix)
                .flushInterval(Duration.ofMillis(50)).clock(clock).build();
    }

    // Runs before the suite's own @AfterEach: close first so nothing is written after the delete.
    @AfterEach
    void deleteIndices() throws Exception {
        backend.close();
        OpenSearchNode.deleteIndices(prefix);
    }
}
