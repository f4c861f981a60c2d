package io.containerlogging.forward.syslog;

import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Bounds blocking writes: while armed, it aborts a {@link SyslogConnection} on which no write has
 * completed for the timeout. A plain socket write has no timeout of its own (SO_TIMEOUT bounds
 * reads only) and blocks for ever on a receiver that accepted the connection but stopped reading.
 *
 * <p>At most one check is scheduled at a time, and it looks at whatever guard is armed when it
 * runs: arming schedules one only if none is pending, and disarming cancels nothing. Scheduling
 * and cancelling a check for every batch woke the timer thread twice a batch, a fifth of the
 * forwarder's time on a busy 2-core machine (docs/BENCHMARKS.md, "Syslog from stored bytes");
 * now it wakes once per timeout while the sink is busy. A check fires at the latest one timeout
 * after the last write progressed. One daemon thread, started on first use. Thread-safe.
 */
final class WriteWatchdog implements AutoCloseable {

    private final long timeoutNanos;
    private final ScheduledThreadPoolExecutor timer;
    private Guard armed; // guarded by this: the newest guard
    private boolean checkPending; // guarded by this: a check is scheduled (or running)

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
        synchronized (this) {
            armed = guard;
            if (checkPending) {
                return guard; // the pending check runs no later than a timeout from now, and sees this guard
            }
            checkPending = true;
        }
        schedule(timeoutNanos);
        return guard;
    }

    private void schedule(long delayNanos) {
        try {
            timer.schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed meanwhile: the sink is closing the connection itself
            synchronized (this) {
                checkPending = false;
            }
        }
    }

    private void check() {
        while (true) {
            Guard guard;
            synchronized (this) {
                guard = armed;
                if (guard == null || guard.disarmed) {
                    checkPending = false;
                    return;
                }
            }
            long idle = guard.connection.now() - guard.connection.lastProgress();
            if (idle < timeoutNanos) {
                schedule(timeoutNanos - idle);
                return;
            }
            guard.fired = true;
            guard.connection.abort();
            synchronized (this) {
                if (armed == guard) {
                    checkPending = false;
                    return;
                }
            }
            // a guard armed meanwhile: check it too (its connection was touched when armed)
        }
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

        private Guard(SyslogConnection connection) {
            this.connection = connection;
        }

        /** Stops watching. A check already running may still abort; {@link #fired()} then says so. */
        void disarm() {
            disarmed = true;
        }

        /** True if this guard aborted the connection. */
        boolean fired() {
            return fired;
        }
    }
}
