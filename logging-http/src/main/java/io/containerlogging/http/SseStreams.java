package io.containerlogging.http;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The open event streams of one handler: enforces the maximum, sends heartbeats from one timer
 * thread (started with the first stream), and ends them all on {@link #close()}.
 */
final class SseStreams implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(SseStreams.class.getName());

    private final int maxStreams;
    private final Duration heartbeatInterval;
    private final ThreadFactory threadFactory;
    private final Set<SseStream> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger reserved = new AtomicInteger();
    private ScheduledThreadPoolExecutor timer; // guarded by this
    private boolean closed; // guarded by this

    SseStreams(int maxStreams, Duration heartbeatInterval, ThreadFactory threadFactory) {
        this.maxStreams = maxStreams;
        this.heartbeatInterval = heartbeatInterval;
        this.threadFactory = threadFactory;
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
            for (SseStream stream : open) {
                stream.heartbeat();
            }
        } catch (RuntimeException e) {
            // A periodic task that throws is never run again: keep the heartbeat alive.
            LOG.log(System.Logger.Level.WARNING, "heartbeat failed", e);
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
            stream.close();
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
