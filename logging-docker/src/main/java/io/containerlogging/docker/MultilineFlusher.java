package io.containerlogging.docker;

import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Hands over the lines a container stream's multiline grouper holds once they have waited the
 * flush timeout, so the last line of a burst (often the last frame of a trace) is stored without
 * waiting for the next line, which may never come. One thread, from the monitor's thread factory,
 * ticks every half timeout and asks each attached container to flush what has waited long enough;
 * a line therefore waits between one and one and a half timeouts at most.
 *
 * <p>Thread-safety: thread-safe. {@link #close()} stops the thread; the monitor then detaches its
 * containers, which flush what they still hold.
 */
final class MultilineFlusher implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(MultilineFlusher.class.getName());
    private static final long MIN_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    interface Flushable {
        /** Flushes the held lines that have waited the timeout by {@code nowNanos}. */
        void flushIdle(long nowNanos);
    }

    private final ScheduledThreadPoolExecutor timer;

    MultilineFlusher(Duration timeout, Consumer<Consumer<Flushable>> containers, LongSupplier nanoTime,
            ThreadFactory threadFactory) {
        long tick = Math.max(MIN_TICK_NANOS, timeout.toNanos() / 2);
        this.timer = new ScheduledThreadPoolExecutor(1, threadFactory);
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        timer.scheduleWithFixedDelay(() -> {
            try {
                long now = nanoTime.getAsLong();
                containers.accept(container -> container.flushIdle(now));
            } catch (RuntimeException e) { // a failed tick must not end the ticking
                LOG.log(System.Logger.Level.WARNING, "flushing held multiline groups failed", e);
            }
        }, tick, tick, TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        timer.shutdown(); // no interrupt: a tick may be handing a group to the backend writer
        try {
            timer.awaitTermination(ControlThread.STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
