package io.containerlogging.docker;

import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bounded buffer between Docker stream readers and the backend; one worker thread hands
 * messages to {@link LogBackend#log}. When the buffer is full, a reader waits up to
 * {@code overflowWait} for room: pausing a Docker log stream is harmless, since dockerd keeps
 * the lines in its own log file, so a backend that falls behind for a moment loses nothing.
 * If the wait runs out, the buffer counts as congested and every further message is dropped
 * and counted at once (no reader waits again) until the worker has emptied the buffer; the
 * worker then stores a system message "suppressed N messages", so a loss is never silent and
 * a stuck backend never holds the readers for longer than one wait.
 */
final class BackendWriter implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(BackendWriter.class.getName());
    private static final int BATCH = 512;

    private final LogBackend backend;
    private final Clock clock;
    private final ArrayBlockingQueue<LogMessage> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong unreported = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final long overflowWaitNanos;
    private final Thread worker;
    private volatile boolean closing;
    // Set when a reader's wait for room ran out; cleared by the worker once the buffer is empty.
    private volatile boolean congested;

    BackendWriter(LogBackend backend, int capacity, Duration overflowWait, Clock clock,
            ThreadFactory threadFactory) {
        this.backend = backend;
        this.clock = clock;
        this.overflowWaitNanos = overflowWait.toNanos();
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.worker = threadFactory.newThread(this::run);
        worker.start();
    }

    /**
     * Queues {@code message} for the backend; if the buffer is full, waits up to the overflow
     * wait for room (unless the buffer is congested), else drops and counts it.
     */
    void offer(LogMessage message) {
        if (!closing && (queue.offer(message) || waitForRoom(message))) {
            return;
        }
        dropped.incrementAndGet();
        unreported.incrementAndGet();
    }

    private boolean waitForRoom(LogMessage message) {
        if (congested || overflowWaitNanos == 0) {
            return false;
        }
        try {
            if (queue.offer(message, overflowWaitNanos, TimeUnit.NANOSECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        congested = true;
        return false;
    }

    /** Messages dropped so far because the buffer was full. */
    long dropped() {
        return dropped.get();
    }

    /** Messages waiting for the backend. */
    int pending() {
        return queue.size();
    }

    private void run() {
        List<LogMessage> batch = new ArrayList<>(BATCH);
        try {
            while (!closing || !queue.isEmpty()) {
                LogMessage first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, BATCH - 1);
                    for (LogMessage message : batch) {
                        store(message);
                    }
                    batch.clear();
                }
                if (queue.isEmpty()) {
                    congested = false;
                }
                reportDrops();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reportDrops();
    }

    private void reportDrops() {
        long count = unreported.getAndSet(0);
        if (count > 0) {
            store(LogMessage.system("suppressed " + count
                    + " messages: the container log buffer was full (the backend fell behind)",
                    LogLevel.WARN, clock.instant()));
        }
    }

    private void store(LogMessage message) {
        try {
            backend.log(message);
        } catch (RuntimeException e) { // a broken backend must not kill the worker
            if (failed.incrementAndGet() == 1) {
                LOG.log(System.Logger.Level.WARNING, "the log backend failed to store a message", e);
            }
        }
    }

    /** Stores what is queued (waiting up to {@code timeout}), then stops the worker. Idempotent. */
    void close(Duration timeout) {
        closing = true;
        try {
            worker.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            worker.interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
