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
import java.util.concurrent.locks.LockSupport;

/**
 * The bounded buffer between Docker stream readers and the backend; one worker thread hands
 * messages to {@link LogBackend#log}. When the buffer is full, a reader waits up to
 * {@code overflowWait} for room: pausing a Docker log stream is harmless, since dockerd keeps
 * the lines in its own log file, so a backend that falls behind for a moment loses nothing.
 * If the wait runs out, the buffer counts as congested and every further message is dropped
 * and counted at once (no reader waits again) until the worker has emptied the buffer; the
 * worker then stores a system message "suppressed N messages", so a loss is never silent and
 * a stuck backend never holds the readers for longer than one wait.
 *
 * <p>Hand-off without a wake-up per line: a reader does not signal the worker for each message
 * (at a million lines that was a futex call per line and a third of the reader's time). While
 * lines keep coming the worker drains the queue, and when it finds it empty it naps for
 * {@link #ACTIVE_NAP} and looks again, so it picks up what arrived meanwhile as one batch. Only
 * after {@link #ACTIVE_NAPS} empty looks does it announce that it sleeps ({@code sleeping}); a
 * reader that then queues a line wakes it. The flag is written before the worker's last look at
 * the queue and read by readers after their offer, both volatile, so a line is never left
 * behind a sleeping worker.
 */
final class BackendWriter implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(BackendWriter.class.getName());
    private static final int BATCH = 512;
    /** How long the worker naps when it finds the queue empty while lines are flowing. */
    static final long ACTIVE_NAP = TimeUnit.MILLISECONDS.toNanos(1);
    /** Empty looks in a row (each after a nap) before the worker sleeps until woken. */
    static final int ACTIVE_NAPS = 20;
    /** Bound of a sleep, so the worker still notices {@code closing} if no one wakes it. */
    private static final long IDLE_SLEEP = TimeUnit.MILLISECONDS.toNanos(500);

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
    // True while the worker sleeps until a reader wakes it (see the class comment).
    private volatile boolean sleeping;

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
            if (sleeping) {
                sleeping = false;
                LockSupport.unpark(worker);
            }
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
        int emptyLooks = 0;
        // an interrupt comes from close() giving up on a backend that does not return
        while ((!closing || !queue.isEmpty()) && !Thread.currentThread().isInterrupted()) {
            if (queue.drainTo(batch, BATCH) > 0) {
                for (LogMessage message : batch) {
                    store(message);
                }
                batch.clear();
                emptyLooks = 0;
            } else if (emptyLooks++ < ACTIVE_NAPS) {
                LockSupport.parkNanos(this, ACTIVE_NAP);
            } else {
                sleeping = true;
                if (queue.isEmpty() && !closing) {
                    LockSupport.parkNanos(this, IDLE_SLEEP);
                }
                sleeping = false;
            }
            if (queue.isEmpty()) {
                congested = false;
            }
            reportDrops();
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
        LockSupport.unpark(worker);
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
