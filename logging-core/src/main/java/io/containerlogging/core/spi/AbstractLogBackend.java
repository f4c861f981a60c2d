package io.containerlogging.core.spi;

import io.containerlogging.core.BackendStatistics;
import io.containerlogging.core.CheckpointStore;
import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogId;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.LogSubscriber;
import io.containerlogging.core.LogSubscription;
import io.containerlogging.core.ReadCheckpoint;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The machinery every {@link LogBackend} shares, written once: the lifecycle, id assignment,
 * device stamping, live subscriptions, and, for a backend that writes in the background, the one
 * bounded {@link WriteQueue} with its drop-and-count reporting. A backend extends it and adds only
 * its store: how to open it, append to it, query it and clean it up.
 *
 * <h2>Writing</h2>
 * {@link #log(LogMessage)} is final: under one append lock it takes the next id from the
 * {@link IdSequence}, stamps the backend's device id on a message that has none, hands the message
 * to {@link #append(LogMessage, String, long, String)} and publishes what that returns to subscribers, so subscribers see
 * id order. A <em>synchronous</em> backend (settings without a queue) stores in {@code append};
 * an <em>asynchronous</em> one leaves {@code append} as it is and receives batches in
 * {@link #writeBatch(List)} on the queue's worker thread. {@code log()} never waits on I/O; on an
 * asynchronous backend it waits at most the queue's overflow wait when the queue is full.
 *
 * <h2>Lifecycle</h2>
 * {@link #initialize()} calls {@link #open()} outside the append lock (a {@code log()} meanwhile
 * returns at once, unstored), continues ids after what {@code open()} reports, starts the queue
 * and then {@link #started()}. If {@code open()} throws, the backend is new again and may be
 * initialized once more. {@link #close()} stops taking messages, drains the queue for at most
 * the close timeout, then calls {@link #shutdown()} and closes subscriptions.
 *
 * <p>Thread-safety: all public methods are thread-safe. Subclass hooks are called as documented
 * on each.
 */
public abstract class AbstractLogBackend implements LogBackend {

    private static final int NEW = 0;
    private static final int STARTING = 1;
    private static final int RUNNING = 2;
    private static final int CLOSED = 3;

    private final BackendSettings settings;
    private final Lock appendLock;
    private final LogFanout fanout;
    private volatile int state = NEW; // changed under appendLock
    private volatile WriteQueue queue;
    private long logged; // guarded by appendLock
    // What this backend holds, in memory or beyond: answers readPosition(). Guarded by appendLock.
    private final ReadPositions appended = new ReadPositions();
    private final DurableCheckpoints checkpoints; // what the store holds durably: the only positions saved
    private volatile DurablePublisher durablePublisher; // set before running when servesOnlyDurable()
    private long lastSequence; // guarded by appendLock

    /**
     * A backend with the given common settings.
     *
     * @param settings name, ids, device id, threads, close timeout and queue
     */
    protected AbstractLogBackend(BackendSettings settings) {
        this(settings, new ReentrantLock());
    }

    /**
     * A backend whose appends hold the store's own lock, so that {@code log()} takes one lock,
     * not two: a synchronous store that must exclude its readers while it appends passes its write
     * lock here and does not lock again in {@link #append}.
     *
     * @param settings name, ids, device id, threads, close timeout and queue
     * @param appendLock the lock every append, lifecycle change and position read holds
     */
    protected AbstractLogBackend(BackendSettings settings, Lock appendLock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.appendLock = Objects.requireNonNull(appendLock, "appendLock");
        this.fanout = new LogFanout(settings.threadFactory("subscriber"));
        this.checkpoints = new DurableCheckpoints(settings.checkpoints(), settings.checkpointRetention(),
                getClass().getName());
    }

    // ---- hooks ----------------------------------------------------------------------------------

    /**
     * Opens the store: creates directories or connections, reloads what it keeps. Called once per
     * {@link #initialize()}, outside the append lock.
     *
     * @return the highest id sequence the store already holds (ids continue after it), or 0
     * @throws IOException if the store cannot work at all; the backend is then new again
     */
    protected abstract long open() throws IOException;

    /**
     * Called after the backend is running (e.g. to log what {@link #open()} found). Does nothing
     * by default.
     */
    protected void started() {
    }

    /**
     * Stores a message (synchronous backends) and returns it as stored: {@code message} with
     * {@code id} and {@code deviceId} in place of its own id and device id, built once (a store
     * that keeps canonical copies of repeated strings builds it with those). Called under the
     * append lock, in id order, only while running; must not block on I/O. An asynchronous
     * backend keeps the default, which only stamps the message ({@link #stamp}).
     *
     * @param message the message as given to {@code log()}
     * @param id its id, {@code log-<sequence>}
     * @param sequence the number in the id
     * @param deviceId the device id to store it with: its own, or the backend's, or null
     * @return the message as stored, published to subscribers and returned by {@code log()}
     */
    protected LogMessage append(LogMessage message, String id, long sequence, String deviceId) {
        return stamp(message, id, deviceId);
    }

    /**
     * {@code message} with {@code id} and {@code deviceId}: the one place a message is rebuilt.
     *
     * @param message a message
     * @param id the id to give it
     * @param deviceId the device id to give it, may be null
     * @return the stamped copy
     */
    protected static LogMessage stamp(LogMessage message, String id, String deviceId) {
        return new LogMessage(id, message.message(), message.timestamp(), message.level(), message.source(),
                message.serviceId(), message.serviceName(), message.containerId(), message.isStdErr(),
                message.isSystem(), deviceId, message.levelSource(), message.fields());
    }

    /**
     * Called by {@code log()} before it takes the append lock, while running: a backend whose
     * store falls behind may wait here, a bounded time, for room (the local backend waits for its
     * file writer rather than evict lines it has not written). Does nothing by default.
     */
    protected void awaitRoom() {
    }

    /**
     * Writes a batch (asynchronous backends): see {@link BatchSink#write(List)}. Called on the
     * queue's worker only.
     *
     * @param batch messages in the order they were logged
     * @throws InterruptedException when the backend gives up on the write at close
     */
    protected void writeBatch(List<LogMessage> batch) throws InterruptedException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has a queue but no writeBatch");
    }

    /**
     * See {@link BatchSink#unwrittenAfterInterrupt(List)}: by default the whole batch.
     *
     * @param batch the batch whose write was interrupted
     * @return how many of its messages were neither written nor rejected
     */
    protected int unwrittenAfterInterrupt(List<LogMessage> batch) {
        return batch.size();
    }

    /**
     * Makes written messages visible to queries (e.g. an index refresh). Called by {@link #flush()}
     * after the queue has been written. Does nothing by default. A backend that
     * {@link #servesOnlyDurable() serves only durable messages} makes its writer flush now; the
     * base then waits until what was logged before {@code flush()} is visible.
     */
    protected void flushStore() {
    }

    /**
     * Whether subscribers and queries see a message only once it is durably stored, rather than
     * once it is logged. Asked once, after {@link #open()}. A backend that answers true passes
     * what its writer wrote to {@link #durablyStored}, takes {@link #onceForced()} at each flush
     * and runs it once the lines are on the device, and bounds its queries by
     * {@link #visibleThrough()}. False by default.
     *
     * @return true to serve only durable messages
     */
    protected boolean servesOnlyDurable() {
        return false;
    }

    /**
     * Releases the store: stops its threads, closes files and connections. Called once by
     * {@link #close()} after the queue has drained, or when the backend was closed while starting.
     */
    protected abstract void shutdown();

    /**
     * The text of the {@code warn} system message that reports {@code count} messages dropped by
     * the write queue; stored once the queue has drained.
     *
     * @param count messages dropped since the last report
     * @return the report
     */
    protected String dropReport(long count) {
        return "suppressed " + count + " messages: the " + settings.name() + " write queue (capacity "
                + settings.queue().capacity() + ") was full or its store failed";
    }

    /**
     * How many messages the store lost on its own (e.g. a file writer that fell behind), for
     * {@link #statistics()}. 0 by default.
     *
     * @return a count that only grows
     */
    protected long storeDropped() {
        return 0;
    }

    /**
     * How many messages the store refused for good, for {@link #statistics()}. 0 by default.
     *
     * @return a count that only grows
     */
    protected long storeRejected() {
        return 0;
    }

    /**
     * How many corrupt records the store skipped while reloading, for {@link #statistics()}. 0 by
     * default.
     *
     * @return a count that only grows
     */
    protected long storeSkipped() {
        return 0;
    }

    /**
     * How many messages of those logged the store has written, for {@link #statistics()}. By
     * default: for a synchronous backend every logged message, for an asynchronous one what the
     * queue has handed over less what the store rejected.
     *
     * @param logged messages logged so far
     * @return a count that only grows
     */
    protected long storeWritten(long logged) {
        WriteQueue current = queue;
        return current == null ? logged : Math.max(0, current.written() - storeRejected());
    }

    // ---- lifecycle ------------------------------------------------------------------------------

    @Override
    public final void initialize() throws IOException {
        appendLock.lock();
        try {
            if (state != NEW) {
                throw new IllegalStateException(state == CLOSED ? "closed" : "already initialized");
            }
            state = STARTING;
        } finally {
            appendLock.unlock();
        }
        long highest;
        try {
            checkpoints.restore();
            highest = open();
        } catch (IOException | RuntimeException | Error e) {
            appendLock.lock();
            try {
                if (state == STARTING) {
                    state = NEW;
                }
            } finally {
                appendLock.unlock();
            }
            throw e;
        }
        if (!startRunning(highest)) { // close() ran while we were opening
            shutdown();
            throw new IllegalStateException("closed while initializing");
        }
        started();
    }

    private boolean startRunning(long highestStored) {
        appendLock.lock();
        try {
            if (state != STARTING) {
                return false;
            }
            settings.ids().continueAfter(highestStored);
            if (servesOnlyDurable()) {
                DurablePublisher publisher = new DurablePublisher(fanout);
                publisher.startAfter(highestStored);
                durablePublisher = publisher;
            }
            appended.restore(checkpoints.positions()); // what is durable is also what we hold
            if (settings.queue() != null) {
                WriteQueue started = new WriteQueue(settings.name(), settings.queue(), new BatchSink() {
                    @Override
                    public void write(List<LogMessage> batch) throws InterruptedException {
                        writeBatch(batch);
                    }

                    @Override
                    public int unwrittenAfterInterrupt(List<LogMessage> batch) {
                        return AbstractLogBackend.this.unwrittenAfterInterrupt(batch);
                    }
                }, settings.threadFactory("writer"), this::reportDropped);
                started.start();
                queue = started;
            }
            state = RUNNING;
            return true;
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Stops taking messages, writes what is queued (waiting at most the close timeout), releases
     * the store and closes every subscription. Safe to call more than once.
     */
    @Override
    public final void close() {
        int previous;
        appendLock.lock();
        try {
            previous = state;
            state = CLOSED; // under the lock: no append can follow
        } finally {
            appendLock.unlock();
        }
        if (previous == RUNNING) {
            WriteQueue current = queue;
            if (current != null) {
                current.close(settings.closeTimeout());
                saveCheckpoints(); // what the queue wrote is acknowledged; a synchronous store saves its own
            }
            shutdown();
        }
        fanout.close();
    }

    /**
     * Whether {@link #initialize()} has completed and {@link #close()} has not been called.
     *
     * @return true while messages are taken
     */
    protected final boolean isRunning() {
        return state == RUNNING;
    }

    /**
     * Whether {@link #close()} has been called.
     *
     * @return true once closed
     */
    protected final boolean isClosed() {
        return state == CLOSED;
    }

    // ---- writing --------------------------------------------------------------------------------

    @Override
    public final LogMessage log(LogMessage message) {
        Objects.requireNonNull(message, "message");
        if (state != RUNNING) {
            return message;
        }
        awaitRoom();
        LogMessage stored;
        appendLock.lock();
        try {
            if (state != RUNNING) {
                return message;
            }
            long sequence = settings.ids().next();
            String id = LogId.format(sequence);
            String deviceId = message.deviceId() != null ? message.deviceId() : settings.deviceId();
            stored = append(message, id, sequence, deviceId);
            logged++;
            lastSequence = sequence;
            appended.advance(stored, stored.timestamp());
            if (durablePublisher == null) {
                fanout.publish(stored); // under the lock, so subscribers get id order
            }
        } finally {
            appendLock.unlock();
        }
        WriteQueue current = queue;
        if (current != null) {
            current.offer(stored); // outside the lock: a full queue's wait must not hold other loggers
        }
        return stored;
    }

    @Override
    public final boolean buffersWrites() {
        return settings.queue() != null;
    }

    private void reportDropped(long count) {
        log(LogMessage.system(dropReport(count), LogLevel.WARN, settings.clock().instant()));
    }

    /**
     * Waits until everything logged before this call has been written (at most the backend's
     * flush timeout), then makes it visible to queries through {@link #flushStore()}.
     */
    @Override
    public final void flush() {
        WriteQueue current = queue;
        if (state != RUNNING) {
            return;
        }
        long target;
        appendLock.lock();
        try {
            target = lastSequence;
        } finally {
            appendLock.unlock();
        }
        if (current != null) {
            try {
                if (!current.awaitWritten(settings.flushTimeout())) {
                    System.getLogger(getClass().getName()).log(System.Logger.Level.WARNING,
                            "flush: queued messages not written within " + settings.flushTimeout()
                                    + " (store unreachable or slow?)");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        flushStore();
        DurablePublisher publisher = durablePublisher;
        if (publisher != null) {
            awaitPublished(publisher, target, "flush", "the writer fell behind or failed?");
        }
    }

    /** Waits at most the flush timeout until {@code target} is published; logs a warning if it is not. */
    private void awaitPublished(DurablePublisher publisher, long target, String what, String consequence) {
        try {
            if (!publisher.awaitPublished(target, settings.flushTimeout().toNanos())) {
                System.getLogger(getClass().getName()).log(System.Logger.Level.WARNING,
                        what + ": messages not durable within " + settings.flushTimeout() + " (" + consequence + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- read checkpoints -------------------------------------------------------------------------

    /**
     * The highest id sequence covered by the checkpoints restored at start: a backend that keeps
     * its messages itself passes every message after it to {@link #durablyStored} from
     * {@link #open()}, so that positions match exactly what it holds (no line is read twice).
     *
     * @return a sequence, 0 if nothing was restored
     */
    protected final long checkpointedThrough() {
        return checkpoints.restoredThrough();
    }

    /**
     * Tells the backend that its store holds {@code messages}: acknowledged by a remote store, or
     * written to a file that is forced before the next {@link #onceForced()} action runs. Their
     * read positions go into the next checkpoint snapshot. Called by the store's writer, never on
     * a stream reader's thread; in id order when the backend {@link #servesOnlyDurable() serves
     * only durable messages} (they are published in this order), else in any order.
     *
     * @param messages stored messages with their ids
     */
    protected final void durablyStored(List<LogMessage> messages) {
        if (messages.isEmpty()) {
            return;
        }
        DurablePublisher publisher = durablePublisher;
        if (publisher != null) {
            publisher.written(messages);
        }
        checkpoints.stored(messages, settings.clock().instant());
    }

    /**
     * What to do once everything written so far is on the device: save the read checkpoints taken
     * now and, when the backend {@link #servesOnlyDurable() serves only durable messages}, make the
     * messages written since the last call visible and publish them. Take it at each flush, on the
     * writer's thread (in the order the lines were written), and run it after forcing the files.
     *
     * @return the action; never null
     */
    protected final Runnable onceForced() {
        CheckpointStore.Snapshot snapshot = durableSnapshot();
        DurablePublisher publisher = durablePublisher;
        DurablePublisher.Durable toPublish = publisher == null ? DurablePublisher.Durable.NONE : publisher.take();
        return () -> {
            saveCheckpoint(snapshot);
            if (publisher != null) {
                publisher.publish(toPublish);
            }
        };
    }

    /**
     * The highest id sequence queries may answer: every id when the backend serves what it is
     * given, else the last durable one (see {@link #servesOnlyDurable()}).
     *
     * @return a sequence; {@code Long.MAX_VALUE} when every message is visible
     */
    protected final long visibleThrough() {
        DurablePublisher publisher = durablePublisher;
        return publisher == null ? Long.MAX_VALUE : publisher.visibleThrough();
    }

    /**
     * Saves the durable read positions to the checkpoint store now: {@link #saveCheckpoint}
     * of {@link #durableSnapshot()}. For a store whose writes are durable once acknowledged.
     */
    protected final void saveCheckpoints() {
        saveCheckpoint(durableSnapshot());
    }

    /**
     * The durable read positions as they stand (streams idle for longer than the checkpoint
     * retention dropped), to save once the lines they cover are on the device; null if there is
     * no checkpoint store or nothing moved since the last snapshot.
     *
     * @return the snapshot, or null
     */
    protected final CheckpointStore.Snapshot durableSnapshot() {
        return checkpoints.snapshot(settings.clock().instant());
    }

    /**
     * Saves {@code snapshot} to the checkpoint store; does nothing for null. A failure is logged,
     * and the next snapshot is saved whatever moved.
     *
     * @param snapshot from {@link #durableSnapshot()}, taken when the lines it covers were written
     */
    protected final void saveCheckpoint(CheckpointStore.Snapshot snapshot) {
        checkpoints.save(snapshot);
    }

    /**
     * Forgets the read positions of streams whose last line came before {@code cutoff}, so that a
     * long-running backend does not keep one for every container it ever saw; call it from
     * retention. (The saved checkpoints expire on their own, by the checkpoint retention.)
     *
     * @param cutoff streams idle since before it are forgotten
     */
    protected final void expireReadPositions(Instant cutoff) {
        appendLock.lock();
        try {
            appended.expire(cutoff);
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Where reading {@code containerId}'s stream stands in this backend: the position after the
     * newest line of that stream it stores. Kept apart from the stored messages, so eviction,
     * cleanup and retention never move it back; restored at start from the checkpoint store.
     */
    @Override
    public final Optional<ReadCheckpoint> readPosition(String containerId, boolean stdErr) {
        Objects.requireNonNull(containerId, "containerId");
        appendLock.lock();
        try {
            return Optional.ofNullable(appended.get(containerId, stdErr));
        } finally {
            appendLock.unlock();
        }
    }

    // ---- subscriptions --------------------------------------------------------------------------

    @Override
    public final LogSubscription subscribe(LogQuery filter, int bufferSize, LogSubscriber subscriber) {
        if (state == CLOSED) {
            throw new IllegalStateException("closed");
        }
        LogSubscription subscription = fanout.subscribe(filter, bufferSize, subscriber);
        DurablePublisher publisher = durablePublisher;
        long unheld = publisher == null ? 0 : publisher.unheldSince();
        if (unheld > 0) {
            // Written while nobody subscribed, so not held for publishing: wait until it is
            // visible (the writer forces it within its flush interval, soon once lines pause),
            // so that a replay after subscribing covers it (see DurablePublisher).
            awaitPublished(publisher, unheld, "subscribe", "a replay may miss up to one flush of them");
        }
        return subscription;
    }

    @Override
    public final int subscriberCount() {
        return fanout.subscriberCount();
    }

    // ---- statistics -----------------------------------------------------------------------------

    /**
     * What this backend has done so far; see {@link BackendStatistics} for the meaning of each
     * counter.
     *
     * @return a snapshot of the counters
     */
    @Override
    public BackendStatistics statistics() {
        long loggedNow;
        appendLock.lock();
        try {
            loggedNow = logged;
        } finally {
            appendLock.unlock();
        }
        WriteQueue current = queue;
        return new BackendStatistics(loggedNow, storeWritten(loggedNow),
                (current == null ? 0 : current.dropped()) + storeDropped(), storeRejected(), storeSkipped(),
                current == null ? 0 : current.queued(), fanout.subscriberCount(), fanout.queued(), fanout.dropped());
    }

    /**
     * The settings this backend was built with.
     *
     * @return the common settings
     */
    protected final BackendSettings settings() {
        return settings;
    }
}
