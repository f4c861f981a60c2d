package io.containerlogging.docker;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The monitor's one control thread: events, reconnection, reconciliation and reopening streams run
 * on it one at a time, so they need no locking among themselves. A task that throws is logged and
 * the thread goes on; tasks scheduled while closing are dropped.
 */
final class ControlThread implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ControlThread.class.getName());

    /** How long {@link #close()} waits for a task that does not end at the interrupt (a Docker call, say). */
    static final Duration STOP_WAIT = Duration.ofSeconds(2);

    private final ScheduledExecutorService executor;

    ControlThread(ThreadFactory threadFactory) {
        this.executor = Executors.newSingleThreadScheduledExecutor(threadFactory);
    }

    void schedule(Runnable task, Duration delay) {
        try {
            executor.schedule(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "container log monitor task failed", e);
                }
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    /** Interrupts the running task, drops the scheduled ones, and waits up to {@code timeout} for the thread to end. */
    void close(Duration timeout) {
        executor.shutdownNow();
        try {
            executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@link #close(Duration)} with {@link #STOP_WAIT}. */
    @Override
    public void close() {
        close(STOP_WAIT);
    }
}
