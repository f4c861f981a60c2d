package io.containerlogging.forward.syslog;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Bounds blocking writes: while armed, it aborts a {@link SyslogConnection} on which no write has
 * completed for the timeout. A plain socket write has no timeout of its own (SO_TIMEOUT bounds
 * reads only) and blocks for ever on a receiver that accepted the connection but stopped reading.
 *
 * <p>It wakes only while armed: once at the deadline, and again at the moved deadline if writes
 * progressed meanwhile. One daemon thread, started on first use. Thread-safe.
 */
final class WriteWatchdog implements AutoCloseable {

    private final long timeoutNanos;
    private final ScheduledThreadPoolExecutor timer;

    WriteWatchdog(Duration timeout, ThreadFactory threads) {
        this.timeoutNanos = timeout.toNanos();
        this.timer = new ScheduledThreadPoolExecutor(1, threads);
        timer.setRemoveOnCancelPolicy(true);
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /**
     * Starts watching {@code connection}; the caller writes, then {@link Guard#disarm() disarms}.
     */
    Guard arm(SyslogConnection connection) {
        connection.touch();
        Guard guard = new Guard(connection);
        guard.schedule(timeoutNanos);
        return guard;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** One armed period. */
    final class Guard {
        private final SyslogConnection connection;
        private volatile boolean disarmed;
        private volatile boolean fired;
        private volatile Future<?> next;

        private Guard(SyslogConnection connection) {
            this.connection = connection;
        }

        private void schedule(long delayNanos) {
            if (timer.isShutdown()) {
                return;
            }
            try {
                next = timer.schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closed meanwhile: the sink is closing the connection itself
            }
        }

        private void check() {
            if (disarmed) {
                return;
            }
            long idle = connection.now() - connection.lastProgress();
            if (idle >= timeoutNanos) {
                fired = true;
                connection.abort();
            } else {
                schedule(timeoutNanos - idle);
            }
        }

        /** Stops watching. A check already running may still abort; {@link #fired()} then says so. */
        void disarm() {
            disarmed = true;
            Future<?> pending = next;
            if (pending != null) {
                pending.cancel(false);
            }
        }

        /** True if this guard aborted the connection. */
        boolean fired() {
            return fired;
        }
    }
}
