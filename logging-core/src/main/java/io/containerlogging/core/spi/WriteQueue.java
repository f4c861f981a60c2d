package io.containerlogging.core.spi;

import io.containerlogging.core.LogMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * The one bounded queue of an asynchronous write path: producers {@link #offer} messages, one
 * worker thread hands them in batches to a {@link BatchSink}. It is what an asynchronous backend
 * puts between {@code log()} and its store (see {@link AbstractLogBackend}), and what a collector
 * puts in front of a backend that may block.
 *
 * <h2>When the queue is full</h2>
 * A producer waits up to {@link Settings#overflowWait()} for room (pausing a Docker log stream is
 * harmless: dockerd keeps the lines). If the wait runs out, the queue counts as congested and every
 * further message is dropped and counted at once, without waiting, until the worker has emptied
 * the queue; so a stuck sink holds producers for at most one wait. Dropped messages are reported
 * to the drop listener (typically as a {@code warn} system message "suppressed N messages") once
 * the queue has drained, so the report itself finds room; they are also logged through
 * {@link System.Logger} at most every {@link #DROP_LOG_INTERVAL}.
 *
 * <h2>Hand-off without a wake-up per message</h2>
 * A producer does not signal the worker for each message: at a million lines a second, a futex
 * call per line cost a third of a Docker reader's time. While messages keep coming the worker
 * drains the queue, and when it finds it empty it naps {@link #ACTIVE_NAP} and looks again, so
 * what arrived meanwhile becomes one batch. Only after {@link #ACTIVE_NAPS} empty looks does it
 * announce that it sleeps ({@code sleeping}); a producer that then queues a message wakes it.
 * The flag is written before the worker's last look at the queue and read by producers after
 * their offer, both volatile, so a message is never left behind a sleeping worker.
 *
 * <h2>Batches</h2>
 * A batch holds at most {@link Settings#batchSize()} messages. With a {@link Settings#linger()},
 * the worker waits that long for a batch to fill before writing a short one (fewer, larger
 * requests to a remote store); {@link #awaitWritten} cuts the wait short.
 *
 * <p>Thread-safety: {@link #offer} may be called from any number of threads.
 */
public final class WriteQueue implements AutoCloseable {

    /** How long the worker naps when it finds the queue empty while messages are flowing. */
    public static final Duration ACTIVE_NAP = Duration.ofMillis(1);
    /** Empty looks in a row (each after a nap) before the worker sleeps until woken. */
    public static final int ACTIVE_NAPS = 20;
    /** How often, at most, drops are logged through {@link System.Logger}. */
    public static final Duration DROP_LOG_INTERVAL = Duration.ofSeconds(10);

    private static final System.Logger LOG = System.getLogger(WriteQueue.class.getName());
    // Bound of a sleep, so the worker still notices `closing` if no one wakes it.
    private static final long IDLE_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long ACTIVE_NAP_NANOS = ACTIVE_NAP.toNanos();

    private final String name;
    private final Settings settings;
    private final BatchSink sink;
    private final LongConsumer dropListener;
    private final ArrayBlockingQueue<LogMessage> queue;
    private final Thread worker;

    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile long settled; // written by the worker only
    private final Object settledMonitor = new Object();

    private volatile boolean started;
    private volatile boolean closing;
    private volatile boolean abandoned;
    private volatile boolean terminated;
    private volatile boolean flushRequested;
    // Set when a producer's wait for room ran out; cleared by the worker once the queue is empty.
    private volatile boolean congested;
    // True while the worker sleeps until a producer wakes it (see the class comment).
    private volatile boolean sleeping;

    // Worker thread only.
    private long reportedDrops;
    private long loggedDrops;
    private long lastDropLogNanos;

    /**
     * A queue whose worker is created from {@code threadFactory} but not yet started.
     *
     * @param name what the queue feeds, for log messages (e.g. {@code "OpenSearch"})
     * @param settings capacity, batch size, linger and overflow wait
     * @param sink where batches go
     * @param threadFactory makes the one worker thread
     * @param dropListener told, on the worker thread, how many messages were dropped since it was
     *     last told, once the queue has drained
     */
    public WriteQueue(String name, Settings settings, BatchSink sink, ThreadFactory threadFactory,
            LongConsumer dropListener) {
        this.name = Objects.requireNonNull(name, "name");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.dropListener = Objects.requireNonNull(dropListener, "dropListener");
        this.queue = new ArrayBlockingQueue<>(settings.capacity());
        this.worker = Objects.requireNonNull(threadFactory, "threadFactory").newThread(this::run);
        this.lastDropLogNanos = System.nanoTime() - DROP_LOG_INTERVAL.toNanos();
    }

    /**
     * Starts the worker.
     *
     * @throws IllegalStateException if already started
     */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        worker.start();
    }

    /**
     * Queues {@code message}, waiting up to the overflow wait for room unless the queue is
     * congested; drops and counts it if there is none, or if the queue is closing.
     *
     * @param message the message to write
     * @return whether the message was queued
     */
    public boolean offer(LogMessage message) {
        if (!closing && (queue.offer(message) || waitForRoom(message))) {
            accepted.incrementAndGet();
            if (sleeping) {
                sleeping = false;
                LockSupport.unpark(worker);
            }
            return true;
        }
        dropped.incrementAndGet();
        return false;
    }

    private boolean waitForRoom(LogMessage message) {
        long wait = settings.overflowWait().toNanos();
        if (congested || wait == 0) {
            return false;
        }
        try {
            if (queue.offer(message, wait, TimeUnit.NANOSECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        congested = true;
        return false;
    }

    /** Messages queued so far. */
    public long accepted() {
        return accepted.get();
    }

    /** Messages handed to the sink whose write returned (written or rejected by the sink). */
    public long written() {
        return settled;
    }

    /** Messages dropped: queue full, closing, a failed sink, or left over at an abandoned close. */
    public long dropped() {
        return dropped.get();
    }

    /** Messages waiting in the queue now. */
    public int queued() {
        return queue.size();
    }

    /**
     * Waits until every message queued before this call has been handed to the sink and its write
     * returned, or the timeout ran out, or the queue terminated.
     *
     * @param timeout the most to wait
     * @return whether everything queued before the call was written
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitWritten(Duration timeout) throws InterruptedException {
        long target = accepted.get();
        if (settled >= target) {
            return true;
        }
        flushRequested = true;
        LockSupport.unpark(worker);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (settledMonitor) {
            while (settled < target && !terminated) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(settledMonitor, remaining);
            }
        }
        return settled >= target;
    }

    /**
     * Stops taking messages, lets the worker write what is queued for up to {@code timeout}, then
     * interrupts it and counts what is left as dropped. Safe to call more than once.
     *
     * @param timeout the most to wait for the queue to drain
     */
    public void close(Duration timeout) {
        closing = true;
        if (!started) {
            return;
        }
        LockSupport.unpark(worker);
        try {
            worker.join(Math.max(1, timeout.toMillis()));
            if (worker.isAlive()) {
                abandoned = true;
                worker.interrupt();
                worker.join(1_000);
            }
        } catch (InterruptedException e) {
            abandoned = true;
            worker.interrupt();
            Thread.currentThread().interrupt();
        }
    }

    /** {@link #close(Duration)} with a 5 second timeout. */
    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    private void run() {
        List<LogMessage> batch = new ArrayList<>(settings.batchSize());
        int emptyLooks = 0;
        boolean inWrite = false;
        try {
            while (!abandoned) {
                if (queue.drainTo(batch, settings.batchSize()) == 0) {
                    if (closing) {
                        break;
                    }
                    if (emptyLooks++ < ACTIVE_NAPS) {
                        LockSupport.parkNanos(this, ACTIVE_NAP_NANOS);
                    } else {
                        sleeping = true;
                        if (queue.isEmpty() && !closing) {
                            LockSupport.parkNanos(this, IDLE_SLEEP_NANOS);
                        }
                        sleeping = false;
                    }
                    afterDrain();
                    continue;
                }
                emptyLooks = 0;
                linger(batch);
                inWrite = true;
                write(batch);
                inWrite = false;
                batch.clear();
                afterDrain();
            }
        } catch (InterruptedException e) {
            // close() gave up waiting: count what is left below
        } finally {
            long left = inWrite ? sink.unwrittenAfterInterrupt(batch) : batch.size();
            for (LogMessage queued = queue.poll(); queued != null; queued = queue.poll()) {
                left++;
            }
            if (left > 0) {
                dropped.addAndGet(left);
                LOG.log(System.Logger.Level.WARNING, "{0} writer stopped with {1} messages not written ({2} dropped in all)",
                        name, left, dropped.get());
            }
            terminated = true;
            synchronized (settledMonitor) {
                settledMonitor.notifyAll();
            }
        }
    }

    private void linger(List<LogMessage> batch) {
        long linger = settings.linger().toNanos();
        if (linger == 0) {
            return;
        }
        long deadline = System.nanoTime() + linger;
        while (batch.size() < settings.batchSize() && !closing && !flushRequested && !abandoned) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return;
            }
            LockSupport.parkNanos(this, Math.min(remaining, ACTIVE_NAP_NANOS));
            queue.drainTo(batch, settings.batchSize() - batch.size());
        }
    }

    private void write(List<LogMessage> batch) throws InterruptedException {
        try {
            sink.write(batch);
        } catch (RuntimeException e) { // a broken sink must not kill the worker
            dropped.addAndGet(batch.size());
            if (failed.getAndIncrement() == 0) {
                LOG.log(System.Logger.Level.WARNING, name + " failed to write a batch; its messages are dropped", e);
            }
        }
        settle(batch.size());
    }

    private void settle(int count) {
        settled += count; // the worker is the only writer
        synchronized (settledMonitor) {
            settledMonitor.notifyAll();
        }
    }

    private void afterDrain() {
        if (!queue.isEmpty()) {
            return;
        }
        congested = false;
        flushRequested = false;
        long total = dropped.get();
        long now = System.nanoTime();
        if (total > loggedDrops && now - lastDropLogNanos >= DROP_LOG_INTERVAL.toNanos()) {
            LOG.log(System.Logger.Level.WARNING, "dropped {0} messages because the {1} queue (capacity {2}) was full; {3} in all",
                    total - loggedDrops, name, settings.capacity(), total);
            loggedDrops = total;
            lastDropLogNanos = now;
        }
        if (total > reportedDrops) {
            long unreported = total - reportedDrops;
            reportedDrops = total;
            try {
                dropListener.accept(unreported);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "reporting dropped messages failed", e);
            }
        }
    }

    @Override
    public String toString() {
        return "WriteQueue[" + name + ", " + settings + "]";
    }

    /**
     * How a {@link WriteQueue} buffers.
     *
     * @param capacity messages the queue holds, at least 1
     * @param batchSize most messages handed to the sink at once, at least 1
     * @param linger how long a short batch waits to fill; zero writes whatever is there
     * @param overflowWait how long a producer waits for room in a full queue before the message is
     *     dropped; zero drops at once
     */
    public record Settings(int capacity, int batchSize, Duration linger, Duration overflowWait) {

        /**
         * Validates the settings.
         *
         * @throws IllegalArgumentException if a count is below 1 or a duration negative
         * @throws NullPointerException if a duration is null
         */
        public Settings {
            if (capacity < 1) {
                throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
            }
            SettingChecks.notNegative(linger, "linger");
            SettingChecks.notNegative(overflowWait, "overflowWait");
        }
    }
}
