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
 * The bounded buffer between Docker stream readers and the backend: readers {@link #offer} and
 * never wait; one worker thread hands messages to {@link LogBackend#log}. When the buffer is full
 * the message is dropped and counted, and the worker stores a system message
 * "suppressed N messages" as soon as it catches up, so a loss is never silent.
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
    private final Thread worker;
    private volatile boolean closing;

    BackendWriter(LogBackend backend, int capacity, Clock clock, ThreadFactory threadFactory) {
        this.backend = backend;
        this.clock = clock;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.worker = threadFactory.newThread(this::run);
        worker.start();
    }

    /** Queues {@code message} for the backend; drops and counts it if the buffer is full. */
    void offer(LogMessage message) {
        if (closing || !queue.offer(message)) {
            dropped.incrementAndGet();
            unreported.incrementAndGet();
        }
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
