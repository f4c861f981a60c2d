package io.containerlogging.opensearch;

import io.containerlogging.core.LogId;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.opensearch.client.opensearch.core.BulkResponse;
import org.opensearch.client.opensearch.core.bulk.BulkResponseItem;
import org.opensearch.client.transport.httpclient5.ResponseException;

/**
 * The background half of {@link OpenSearchLogBackend}: a bounded queue that {@code log()} offers
 * to without ever waiting, and one thread that drains it in batches into bulk requests.
 *
 * <p>A batch is sent when it holds {@code batchSize} messages, when {@code flushInterval} has
 * passed since its first message arrived, or at once when a flush or close asks. A request that
 * fails as a whole (OpenSearch unreachable, overloaded) is retried with exponential backoff from
 * {@link #INITIAL_RETRY_DELAY} up to {@code maxRetryDelay}, for as long as it takes, while new
 * messages wait in the queue; when the queue is full, new messages are dropped and counted. In a
 * request that succeeds, each failed item is retried the same way when OpenSearch says it may
 * succeed later (429 and 5xx) and otherwise counted as rejected and reported. Document ids are
 * the message ids, so a retry after a lost response overwrites instead of duplicating.
 *
 * <p>Thread-safety: {@link #offer} is called under the backend's append lock (it keeps
 * {@link #lastEnqueued} in id order); everything else is thread-safe.
 */
final class BulkWriter implements Runnable {

    /** The first pause after a failed request; it doubles after each further failure. */
    static final Duration INITIAL_RETRY_DELAY = Duration.ofMillis(100);
    /** How often, at most, drops are reported. */
    static final Duration DROP_REPORT_INTERVAL = Duration.ofSeconds(10);

    private static final System.Logger LOG = System.getLogger(OpenSearchLogBackend.class.getName());
    /** Put in the queue to cut a lingering batch short (flush, close); never written. */
    private static final LogMessage WAKE = LogMessage.system("wake", LogLevel.DEBUG, Instant.EPOCH);

    private final OpenSearchStore store;
    private final ArrayBlockingQueue<LogMessage> queue;
    private final int queueCapacity;
    private final int batchSize;
    private final long maxRequestBytes;
    private final long flushIntervalNanos;
    private final long maxRetryDelayMillis;
    private final LongConsumer dropReporter;
    private final Thread thread;

    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failedRequests = new AtomicLong();

    /** The sequence of the last message put in the queue; written under the backend's append lock. */
    private volatile long lastEnqueued;
    /** Every message up to this sequence has been written, rejected or given up; writer thread writes. */
    private volatile long settled;
    private final Object settledMonitor = new Object();

    private volatile boolean closing;
    private volatile boolean abandon;
    private volatile boolean terminated;

    // Writer thread only.
    private int unsettledInBatch; // messages of the current batch neither written nor rejected yet
    private boolean templateReady;
    private boolean outage;
    private long loggedDrops;
    private long storedDrops;
    private long lastDropLogNanos = System.nanoTime() - DROP_REPORT_INTERVAL.toNanos();

    BulkWriter(OpenSearchStore store, int queueCapacity, int batchSize, long maxRequestBytes, Duration flushInterval,
            Duration maxRetryDelay, ThreadFactory threadFactory, LongConsumer dropReporter) {
        this.maxRequestBytes = maxRequestBytes;
        this.store = store;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.queueCapacity = queueCapacity;
        this.batchSize = batchSize;
        this.flushIntervalNanos = flushInterval.toNanos();
        this.maxRetryDelayMillis = maxRetryDelay.toMillis();
        this.dropReporter = dropReporter;
        this.thread = threadFactory.newThread(this);
    }

    void start() {
        thread.start();
    }

    /** Queues a stored message, or drops and counts it if the queue is full. Never blocks. */
    boolean offer(LogMessage stored, long sequence) {
        if (queue.offer(stored)) {
            lastEnqueued = sequence;
            return true;
        }
        dropped.incrementAndGet();
        return false;
    }

    long dropped() {
        return dropped.get();
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

    int queued() {
        return queue.size();
    }

    /**
     * Waits until every message queued before this call has been handed to OpenSearch (or
     * rejected by it), at most {@code timeout}.
     *
     * @return false if the time ran out or the writer stopped first
     */
    boolean awaitSettled(Duration timeout) throws InterruptedException {
        long target = lastEnqueued;
        if (settled >= target) {
            return true;
        }
        queue.offer(WAKE); // if the queue is full the writer is not lingering anyway
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (settledMonitor) {
            while (settled < target && !terminated) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(settledMonitor, remaining);
            }
        }
        return settled >= target;
    }

    /**
     * Writes what is queued and stops, waiting at most {@code timeout}; then gives up on what
     * is left (counted as dropped and reported).
     */
    void close(Duration timeout) {
        closing = true;
        queue.offer(WAKE);
        try {
            thread.join(Math.max(1, timeout.toMillis()));
            if (thread.isAlive()) {
                abandon = true;
                thread.interrupt();
                thread.join(1_000);
            }
        } catch (InterruptedException e) {
            abandon = true;
            thread.interrupt();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        List<LogMessage> batch = new ArrayList<>(batchSize);
        try {
            while (!abandon) {
                LogMessage first = closing ? queue.poll() : queue.poll(flushIntervalNanos, TimeUnit.NANOSECONDS);
                if (first == null) {
                    if (closing) {
                        break;
                    }
                    reportDrops();
                    continue;
                }
                if (first == WAKE) {
                    continue;
                }
                batch.add(first);
                fill(batch);
                unsettledInBatch = batch.size();
                write(batch);
                settle(LogId.sequence(batch.get(batch.size() - 1).id()));
                unsettledInBatch = 0;
                batch.clear();
                reportDrops();
            }
        } catch (InterruptedException e) {
            // close() gave up waiting: fall through and count what is left
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "OpenSearch writer failed; messages are no longer stored", e);
        } finally {
            long left = unsettledInBatch;
            for (LogMessage queued = queue.poll(); queued != null; queued = queue.poll()) {
                if (queued != WAKE) {
                    left++;
                }
            }
            if (left > 0) {
                dropped.addAndGet(left);
                LOG.log(System.Logger.Level.WARNING,
                        "OpenSearch writer stopped with {0} messages not written (dropped {1} in all)",
                        left, dropped.get());
            }
            terminated = true;
            synchronized (settledMonitor) {
                settledMonitor.notifyAll();
            }
        }
    }

    /** Adds to {@code batch} until it is full, the flush interval has passed, or someone asks. */
    private void fill(List<LogMessage> batch) throws InterruptedException {
        long deadline = System.nanoTime() + flushIntervalNanos;
        while (batch.size() < batchSize) {
            queue.drainTo(batch, batchSize - batch.size());
            if (batch.removeIf(m -> m == WAKE) || closing || batch.size() >= batchSize) {
                return;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return;
            }
            LogMessage next = queue.poll(remaining, TimeUnit.NANOSECONDS);
            if (next == null || next == WAKE) {
                return;
            }
            batch.add(next);
        }
    }

    /**
     * Writes {@code batch} in requests of at most {@code maxRequestBytes} (estimated), so that
     * a batch of long lines stays under OpenSearch's request size limit.
     */
    private void write(List<LogMessage> batch) throws InterruptedException {
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
            if (abandon) {
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

    private void settle(long sequence) {
        settled = sequence;
        synchronized (settledMonitor) {
            settledMonitor.notifyAll();
        }
    }

    /**
     * Reports new drops: to the system log at most every {@link #DROP_REPORT_INTERVAL}, and as a
     * stored message (through the backend, so the fleet sees it) once OpenSearch is reachable
     * and the queue has caught up, so that the report itself is not dropped.
     */
    private void reportDrops() {
        long total = dropped.get();
        long now = System.nanoTime();
        if (total > loggedDrops && now - lastDropLogNanos >= DROP_REPORT_INTERVAL.toNanos()) {
            LOG.log(System.Logger.Level.WARNING,
                    "dropped {0} log messages because the OpenSearch queue (capacity {1}) was full; {2} in all",
                    total - loggedDrops, queueCapacity, total);
            loggedDrops = total;
            lastDropLogNanos = now;
        }
        if (total > storedDrops && !outage && queue.isEmpty()) {
            long unreported = total - storedDrops;
            storedDrops = total;
            dropReporter.accept(unreported);
        }
    }
}
