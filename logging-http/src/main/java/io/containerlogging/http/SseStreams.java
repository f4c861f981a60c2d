package io.containerlogging.http;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The open event streams of one handler: enforces the maximum, and runs one timer thread
 * (started with the first stream) that, every heartbeat interval, gives up on streams whose write
 * has been blocked longer than the write timeout, ends streams older than the maximum duration,
 * and has a heartbeat written to each of the others. The timer itself never writes to a client
 * (a write can block on one that does not read): writes run on the handler's stream pool, at
 * most one pending heartbeat per stream. {@link #close()} ends them all.
 */
final class SseStreams implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(SseStreams.class.getName());

    private final int maxStreams;
    private final Duration heartbeatInterval;
    private final long maxDurationNanos;
    private final long writeTimeoutNanos;
    private final ThreadFactory threadFactory;
    private final Executor writers;
    private final Set<SseStream> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger reserved = new AtomicInteger();
    private ScheduledThreadPoolExecutor timer; // guarded by this
    private boolean closed; // guarded by this

    SseStreams(int maxStreams, Duration heartbeatInterval, Duration maxDuration, Duration writeTimeout,
            ThreadFactory threadFactory, Executor writers) {
        this.maxStreams = maxStreams;
        this.heartbeatInterval = heartbeatInterval;
        this.maxDurationNanos = maxDuration.toNanos();
        this.writeTimeoutNanos = writeTimeout.toNanos();
        this.threadFactory = threadFactory;
        this.writers = writers;
    }

    /** Takes one of the {@code maxStreams} places; false if all are taken or this is closed. */
    boolean tryReserve() {
        synchronized (this) {
            if (closed) {
                return false;
            }
            startTimerIfNeeded();
        }
        if (reserved.incrementAndGet() > maxStreams) {
            reserved.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Gives back a place taken with {@link #tryReserve()}. */
    void release() {
        reserved.decrementAndGet();
    }

    /** Registers an open stream; if this is already closed, the stream is closed at once. */
    void add(SseStream stream) {
        open.add(stream);
        boolean isClosed;
        synchronized (this) {
            isClosed = closed;
        }
        if (isClosed) {
            stream.close();
        }
    }

    /** Deregisters a stream that ended and gives back its place. */
    void remove(SseStream stream) {
        if (open.remove(stream)) {
            release();
        }
    }

    /** The number of open streams. */
    int size() {
        return open.size();
    }

    private void startTimerIfNeeded() {
        if (timer == null) {
            timer = new ScheduledThreadPoolExecutor(1, threadFactory);
            timer.setRemoveOnCancelPolicy(true);
            long nanos = heartbeatInterval.toNanos();
            timer.scheduleAtFixedRate(this::beat, nanos, nanos, TimeUnit.NANOSECONDS);
        }
    }

    private void beat() {
        try {
            long now = System.nanoTime();
            for (SseStream stream : open) {
                long blockedSince = stream.blockedSinceNanos();
                if (blockedSince != 0 && now - blockedSince > writeTimeoutNanos) {
                    // A client that stopped reading: unsubscribe and free its place now. The
                    // blocked thread is freed when the JDK server's maxRspTime cuts the connection.
                    LOG.log(System.Logger.Level.DEBUG, "giving up an event stream blocked on its client");
                    stream.giveUp();
                    tryRun(stream::endTransport);
                } else if (now - stream.openedNanos() > maxDurationNanos) {
                    stream.giveUp();
                    tryRun(stream::endTransport);
                } else if (stream.claimHeartbeat() && !tryRun(stream::heartbeat)) {
                    stream.unclaimHeartbeat();
                }
            }
        } catch (RuntimeException e) {
            // A periodic task that throws is never run again: keep the heartbeat alive.
            LOG.log(System.Logger.Level.WARNING, "heartbeat failed", e);
        }
    }

    /** Runs {@code task} on the stream pool; false if the pool refused it (full or shut down). */
    private boolean tryRun(Runnable task) {
        try {
            writers.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Ends every open stream and stops the heartbeat thread. Safe to call more than once. */
    @Override
    public void close() {
        ScheduledThreadPoolExecutor toStop;
        synchronized (this) {
            closed = true;
            toStop = timer;
            timer = null;
        }
        for (SseStream stream : open) {
            stream.giveUp();
            if (!tryRun(stream::endTransport)) {
                stream.endTransport();
            }
        }
        if (toStop != null) {
            toStop.shutdownNow();
            try {
                toStop.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
