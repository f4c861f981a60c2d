package io.containerlogging.opensearch;

import io.containerlogging.core.LogMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.opensearch.client.opensearch.core.BulkResponse;
import org.opensearch.client.opensearch.core.bulk.BulkResponseItem;
import org.opensearch.client.transport.httpclient5.ResponseException;

/**
 * Writes batches to OpenSearch as bulk requests, on the backend's write-queue worker: a batch of
 * long lines goes as several requests of at most {@code maxRequestBytes}; while OpenSearch cannot
 * be reached, a request is retried with exponential backoff (from {@link #INITIAL_RETRY_DELAY},
 * doubling up to {@code maxRetryDelay}), so the queue fills and the backend's overflow policy
 * applies; items refused with 429 or 5xx are retried, other refused items are rejected and
 * counted; a request refused as too large (413) is halved, and a lone message refused as too
 * large is rejected instead of retried forever. The index template is installed before the
 * first write.
 */
final class BulkWriter {

    static final Duration INITIAL_RETRY_DELAY = Duration.ofMillis(100);

    private static final System.Logger LOG = System.getLogger(OpenSearchLogBackend.class.getName());

    private final OpenSearchStore store;
    private final int queueCapacity;
    private final long maxRequestBytes;
    private final long maxRetryDelayMillis;

    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failedRequests = new AtomicLong();

    // Worker thread only, but read by unsettled() after an interrupted write on that thread.
    private volatile int unsettledInBatch; // messages of the current batch neither written nor rejected yet
    private boolean templateReady;
    private boolean outage;

    BulkWriter(OpenSearchStore store, int queueCapacity, long maxRequestBytes, Duration maxRetryDelay) {
        this.store = store;
        this.queueCapacity = queueCapacity;
        this.maxRequestBytes = maxRequestBytes;
        this.maxRetryDelayMillis = maxRetryDelay.toMillis();
    }

    long rejected() {
        return rejected.get();
    }

    long written() {
        return written.get();
    }

    long failedRequests() {
        return failedRequests.get();
    }

    /** After an interrupted {@link #write}: messages of its batch neither written nor rejected. */
    int unsettled() {
        return unsettledInBatch;
    }

    /** Writes {@code batch}, retrying until every message is written or rejected. */
    void write(List<LogMessage> batch) throws InterruptedException {
        unsettledInBatch = batch.size();
        int from = 0;
        while (from < batch.size()) {
            int to = from;
            long bytes = 0;
            while (to < batch.size()) {
                long size = estimatedBytes(batch.get(to));
                if (to > from && bytes + size > maxRequestBytes) {
                    break;
                }
                bytes += size;
                to++;
            }
            writeRequest(batch.subList(from, to));
            from = to;
        }
    }

    /**
     * An upper estimate of a message's size in a bulk request: the action line and the fixed
     * fields take well under 600 bytes; a char of text takes at most 3 bytes of UTF-8, more only
     * for control characters (escaped), which are rare in log lines.
     */
    static long estimatedBytes(LogMessage message) {
        long variable = message.message().length();
        variable += message.serviceName() == null ? 0 : message.serviceName().length();
        variable += message.containerId() == null ? 0 : message.containerId().length();
        variable += message.deviceId() == null ? 0 : message.deviceId().length();
        variable += message.source().name() == null ? 0 : message.source().name().length();
        return 600 + 3 * variable;
    }

    /** Writes one request's messages, retrying with backoff until each is written or rejected. */
    private void writeRequest(List<LogMessage> request) throws InterruptedException {
        List<LogMessage> pending = request;
        long delay = INITIAL_RETRY_DELAY.toMillis();
        while (true) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("abandoned");
            }
            try {
                if (!templateReady) {
                    store.putTemplate();
                    templateReady = true;
                }
                BulkResponse response = store.bulk(pending);
                if (outage) {
                    outage = false;
                    LOG.log(System.Logger.Level.INFO, "OpenSearch is reachable again; writing the queued messages");
                }
                List<LogMessage> retry = retryable(pending, response);
                unsettledInBatch -= pending.size() - retry.size();
                pending = retry;
                if (pending.isEmpty()) {
                    return;
                }
            } catch (java.io.IOException | RuntimeException e) {
                if (tooLarge(e)) { // retrying the same request cannot help
                    splitOrReject(pending);
                    return;
                }
                failedRequests.incrementAndGet();
                if (!outage) {
                    outage = true;
                    LOG.log(System.Logger.Level.WARNING, "cannot write to OpenSearch (" + e
                            + "); retrying with backoff, new messages wait in the queue (capacity "
                            + queueCapacity + ") and are dropped when it is full");
                }
            }
            Thread.sleep(delay);
            delay = Math.min(delay * 2, maxRetryDelayMillis);
        }
    }

    private static boolean tooLarge(Exception e) {
        return e instanceof ResponseException
                && ((ResponseException) e).status() == 413;
    }

    /** A request OpenSearch found too large: halves are tried on their own; one message is rejected. */
    private void splitOrReject(List<LogMessage> request) throws InterruptedException {
        if (request.size() == 1) {
            unsettledInBatch--;
            long total = rejected.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "OpenSearch rejected {0}: too large for one request "
                    + "(http.max_content_length); {1} rejected in all", request.get(0).id(), total);
            return;
        }
        int half = request.size() / 2;
        writeRequest(request.subList(0, half));
        writeRequest(request.subList(half, request.size()));
    }

    /** Counts what {@code response} wrote or rejected; returns the items worth another try. */
    private List<LogMessage> retryable(List<LogMessage> sent, BulkResponse response) {
        if (!response.errors()) {
            written.addAndGet(sent.size());
            return List.of();
        }
        List<LogMessage> retry = new ArrayList<>();
        List<BulkResponseItem> items = response.items();
        for (int i = 0; i < items.size(); i++) {
            BulkResponseItem item = items.get(i);
            if (item.error() == null) {
                written.incrementAndGet();
            } else if (item.status() == 429 || item.status() >= 500) {
                retry.add(sent.get(i));
            } else {
                long total = rejected.incrementAndGet();
                LOG.log(System.Logger.Level.WARNING, "OpenSearch rejected {0} (status {1}, {2}: {3}); {4} rejected in all",
                        sent.get(i).id(), item.status(), item.error().type(), item.error().reason(), total);
            }
        }
        return retry;
    }
}
