package io.containerlogging.opensearch;

import io.containerlogging.core.LogId;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.LogSource;
import io.containerlogging.testing.OpenSearchNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hc.core5.http.HttpHost;
import org.codelibs.opensearch.runner.OpenSearchRunner;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

/**
 * Sustained ingest into a real OpenSearch node: {@link OpenSearchLogBackend} (log() on the
 * caller's thread, bounded queue, background bulk writer) against a plain synchronous bulk loop
 * with the same client, documents and batch size, in the same run, alternating, twice each.
 * Not a test; a plain main (no JMH: the unit of work is a network round trip, not nanoseconds).
 *
 * <p>Run (starts its own node on port 9201; 2 cores, shared machine: treat results as ratios):
 * <pre>
 * mvn -o -q test-compile dependency:build-classpath -pl logging-backend-opensearch -am \
 *     -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java -cp logging-backend-opensearch/target/test-classes:logging-backend-opensearch/target/classes:$(cat /tmp/cp.txt) \
 *     io.containerlogging.opensearch.IngestBenchmark 200000
 * </pre>
 *
 * <p>Measured on the 2-core development machine (node in the same JVM), second (warm) round of
 * two runs: plain loop 47.7k and 46.6k msg/s, the backend 48.7k and 45.5k msg/s, i.e. the same
 * within noise; {@code log()} itself took 3 to 6.5 million calls/s on the caller's thread. The
 * first (cold) round: plain 24k, backend 37k to 40k msg/s.
 */
public final class IngestBenchmark {

    private IngestBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int batch = OpenSearchLogBackend.DEFAULT_BATCH_SIZE;
        List<LogMessage> messages = messages(count);
        OpenSearchRunner node = OpenSearchNode.start();
        try {
            for (int round = 1; round <= 2; round++) {
                report("plain bulk loop", count, plainLoop(messages, batch, "bench-plain-" + round));
                report("OpenSearchLogBackend", count, backend(messages, batch, "bench-backend-" + round));
            }
        } finally {
            node.close();
            node.clean();
        }
    }

    /** Seed-shaped container lines (about 350 bytes as JSON), one per microsecond. */
    private static List<LogMessage> messages(int count) {
        Instant start = Instant.now();
        List<LogMessage> messages = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            messages.add(LogMessage.builder().message("GET /api/v1/items/" + i + " 200 12ms user-agent=curl/8.0")
                    .timestamp(start.plusNanos(i * 1_000L)).level(i % 10 == 0 ? LogLevel.ERROR : LogLevel.INFO)
                    .source(LogSource.container("web")).serviceId(1).serviceName("web")
                    .containerId("3f4e2a1b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f")
                    .stdErr(i % 10 == 0).build());
        }
        return messages;
    }

    /** Synchronous bulk requests of {@code batch} documents, one after another. */
    private static long plainLoop(List<LogMessage> messages, int batch, String prefix) throws Exception {
        try (OpenSearchStore store = new OpenSearchStore(ApacheHttpClient5TransportBuilder
                .builder(new HttpHost("http", "localhost", OpenSearchNode.HTTP_PORT)).build(), prefix)) {
            store.putTemplate();
            long begin = System.nanoTime();
            for (int from = 0; from < messages.size(); from += batch) {
                List<LogMessage> slice = new ArrayList<>(batch);
                for (int i = from; i < Math.min(from + batch, messages.size()); i++) {
                    slice.add(messages.get(i).withId(LogId.format(i + 1)));
                }
                if (store.bulk(slice).errors()) {
                    throw new IllegalStateException("bulk errors in the plain loop");
                }
            }
            store.refresh();
            long elapsed = System.nanoTime() - begin;
            check(store.count(LogQuery.all()), messages.size());
            return elapsed;
        } finally {
            OpenSearchNode.deleteIndices(prefix);
        }
    }

    /** log() every message as fast as the caller can, then flush(): time until all are searchable. */
    private static long backend(List<LogMessage> messages, int batch, String prefix) throws Exception {
        try (OpenSearchLogBackend backend = OpenSearchLogBackend.builder().endpoints(OpenSearchNode.url())
                .indexPrefix(prefix).batchSize(batch).queueCapacity(messages.size()).build()) {
            backend.initialize();
            long begin = System.nanoTime();
            for (LogMessage message : messages) {
                backend.log(message);
            }
            long logged = System.nanoTime() - begin;
            backend.flush();
            long elapsed = System.nanoTime() - begin;
            System.out.printf(Locale.ROOT, "  (log() calls alone: %,.0f msg/s on the caller's thread; dropped %d)%n",
                    messages.size() / (logged / 1e9), backend.statistics().dropped());
            check(backend.count(), messages.size());
            return elapsed;
        } finally {
            OpenSearchNode.deleteIndices(prefix);
        }
    }

    private static void check(long stored, int expected) {
        if (stored != expected) {
            throw new IllegalStateException("stored " + stored + " of " + expected);
        }
    }

    private static void report(String what, int count, long nanos) {
        System.out.printf(Locale.ROOT, "%-22s %,d messages in %.2f s = %,.0f msg/s%n", what, count, nanos / 1e9,
                count / (nanos / 1e9));
    }
}
