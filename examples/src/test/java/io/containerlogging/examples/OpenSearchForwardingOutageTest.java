package io.containerlogging.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containerlogging.core.BackendUnavailableException;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.opensearch.OpenSearchLogBackend;
import io.containerlogging.testing.DockerTest;
import io.containerlogging.testing.OpenSearchNode;
import io.containerlogging.testing.OpenSearchTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ForwardingOutageTest} with {@code FORWARD_TO=opensearch+http://...} and the run's
 * OpenSearch node ({@link OpenSearchNode}), stopped and started again on the same data. The
 * central API ({@link OpenSearchLogBackend} on the node) reads back what arrived: exactly once,
 * however often a batch was delivered.
 */
@DockerTest
@OpenSearchTest
@Tag("crash")
@Timeout(300)
@DisplayName("FORWARD_TO opensearch: the node stopped mid-flood, the server restarted meanwhile, every line exactly once")
class OpenSearchForwardingOutageTest extends ForwardingOutageTest {

    private static final String PREFIX = "outage-forward";

    private OpenSearchLogBackend central;

    @BeforeEach
    void connectCentral() throws Exception {
        central = OpenSearchLogBackend.builder().endpoints(OpenSearchNode.url()).indexPrefix(PREFIX).build();
        central.initialize();
    }

    @AfterEach
    void cleanUp() throws Exception {
        try {
            OpenSearchNode.restart(); // the node serves every later test class of the run
            if (central != null) {
                central.close();
            }
        } finally {
            OpenSearchNode.deleteIndices(PREFIX);
        }
    }

    @Override
    String sinkUri() {
        return "opensearch+http://127.0.0.1:" + OpenSearchNode.HTTP_PORT + "?indexPrefix=" + PREFIX;
    }

    @Override
    void stopReceiver() throws Exception {
        OpenSearchNode.stopNode();
    }

    @Override
    void startReceiver() {
        OpenSearchNode.restart();
    }

    /**
     * The device's documents of the container, as the central API lists them (every one, in id
     * order). A node whose new daily index is still allocating its shards, or that is recovering
     * them after a restart, answers searches with 503 for a moment: that is asked again, as an
     * operator would, rather than taken for an answer.
     */
    @Override
    List<String> received(String containerId) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .ignoreException(BackendUnavailableException.class)
                .until(() -> {
                    central.flush(); // makes what was indexed searchable now, as the refresh interval would
                    return central.getLogs(LogQuery.builder().deviceId(DEVICE).containerId(containerId).build())
                            .stream().map(LogMessage::message).toList();
                }, messages -> true);
    }

    /** The central API's count, what a fleet operator asks, agrees with the documents read. */
    @Override
    void assertReceiverAgrees(String containerId, int arrivals) {
        central.flush();
        assertThat(central.count(LogQuery.builder().deviceId(DEVICE).containerId(containerId).build()))
                .as("central count of container %s", containerId).isEqualTo(arrivals);
    }

    /** docs/forwarding-opensearch.md: a re-delivery overwrites its document, so none. */
    @Override
    long duplicateWindow(int restarts, long failedDeliveries) {
        return 0;
    }
}
