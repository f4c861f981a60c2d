package io.containerlogging.docker;

import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.spi.WriteQueue;
import io.containerlogging.core.structure.StructureStage;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How container lines reach the backend, with exactly one bounded queue on the way. A backend
 * that {@link LogBackend#buffersWrites() buffers its writes} (its {@code log()} only queues, as
 * the OpenSearch backend's does) is written to straight from the stream readers: its own queue is
 * the one. Any other backend gets a {@link WriteQueue} in front of it, so a slow or stuck backend
 * never blocks a Docker stream for longer than the overflow wait: when the queue is full a reader
 * waits up to {@code overflowWait} (pausing a Docker log stream is harmless, since dockerd keeps
 * the lines), then lines are dropped, counted and reported as a system message
 * "suppressed N messages".
 *
 * <p>The {@link StructureStage} (fields, levels, redaction) runs here, on the queue's thread, just
 * before a message is stored: not on the stream reader's, which reads, assembles and groups the
 * lines of one container and is the ingest's bottleneck (the stage was a fifth of all CPU there).
 * Redaction still happens before anything is stored, streamed or forwarded.
 */
final class BackendWriter implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(BackendWriter.class.getName());
    private static final int BATCH = 512;

    private final LogBackend backend;
    private final StructureStage stage;
    private final Clock clock;
    private final WriteQueue queue; // null when the backend buffers its own writes
    private final AtomicLong failed = new AtomicLong();

    BackendWriter(LogBackend backend, StructureStage stage, int capacity, Duration overflowWait, Clock clock,
            ThreadFactory threadFactory) {
        this.backend = backend;
        this.stage = stage;
        this.clock = clock;
        if (backend.buffersWrites()) {
            this.queue = null;
        } else {
            this.queue = new WriteQueue("container log", new WriteQueue.Settings(capacity, BATCH, Duration.ZERO,
                    overflowWait), this::storeAll, threadFactory, this::reportDrops);
            queue.start();
        }
    }

    /**
     * Hands a container's message on, to go through the structure stage and into the backend;
     * false if the queue was full and it was dropped (counted in {@link #dropped()}).
     */
    boolean offer(LogMessage message) {
        if (queue == null) {
            store(stage.apply(message));
            return true;
        }
        return queue.offer(message);
    }

    /** Lines dropped by the queue in front of the backend (0 if the backend buffers itself). */
    long dropped() {
        return queue == null ? 0 : queue.dropped();
    }

    /** Lines waiting in the queue in front of the backend (0 if the backend buffers itself). */
    int pending() {
        return queue == null ? 0 : queue.queued();
    }

    private void storeAll(List<LogMessage> batch) {
        for (LogMessage message : batch) {
            store(stage.apply(message));
        }
    }

    private void reportDrops(long count) {
        store(LogMessage.system("suppressed " + count
                + " messages: the container log buffer was full (the backend fell behind)",
                LogLevel.WARN, clock.instant()));
    }

    private void store(LogMessage message) {
        try {
            backend.log(message);
        } catch (RuntimeException e) { // a broken backend must not kill a reader or the worker
            if (failed.incrementAndGet() == 1) {
                LOG.log(System.Logger.Level.WARNING, "the log backend failed to store a message", e);
            }
        }
    }

    void close(Duration timeout) {
        if (queue != null) {
            queue.close(timeout);
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
