package io.containerlogging.local;

import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogFanout;
import io.containerlogging.core.LogId;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.LogSource;
import io.containerlogging.core.LogSubscriber;
import io.containerlogging.core.LogSubscription;
import io.containerlogging.core.SourceType;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A {@link LogBackend} that keeps the newest messages in memory and, optionally, in NDJSON files.
 *
 * <h2>Memory</h2>
 * A ring of the newest {@link Builder#maxLogs(int) maxLogs} messages: storing one more evicts the
 * oldest. Next to the ring, an index of positions per service name and per container id lets a
 * query with one of those filters visit only its candidates; every query walks newest first and
 * stops at its {@code limit} or its {@code afterId}, so {@code serviceName + level + limit 100}
 * over a million stored messages touches a few hundred of them. Repeated strings (service names,
 * container ids) and sources are stored once and shared.
 *
 * <h2>Files</h2>
 * With {@link Builder#enableFilePersistence(boolean) file persistence}, every stored message is
 * also written as one JSON line ({@link io.containerlogging.core.LogJson}) to
 * {@code container-manager-<epoch-ms>.log} in {@link Builder#logDir(Path) logDir} (created 0700,
 * files 0600). A new file is started when the next line would take the current one past
 * {@link Builder#maxFileSize(long) maxFileSize}. A file is deleted by cleanup once the file after
 * it was started more than {@code maxAge} ago, i.e. once every line in it was written before the
 * cutoff (judged by file names and the clock, never by reading the file); the file being written
 * is never deleted, and the last file of an earlier run counts as followed by the first file of
 * this run. Encoding and writing happen on
 * one background thread ({@code container-logging-local-writer}) that copies batches out of the
 * ring, so {@code log()} never waits for the disk. The ring is the hand-off buffer: a message
 * evicted before the writer reached it is not written; such losses are counted
 * ({@link #persistenceDropped()}) and reported as a {@code warn} system message.
 *
 * <p><b>Crash window:</b> lines are flushed to the operating system at most
 * {@link Builder#flushInterval(Duration) flushInterval} after they are stored (and on
 * {@link #close()}), never synced to the device. A crash of the JVM loses up to about one flush
 * interval of messages (plus whatever an overrun ring dropped); a crash of the machine also loses
 * what the OS had not yet written back. A torn last line is skipped on the next start.
 *
 * <p>{@link #initialize()} reloads the newest messages (at most {@code maxLogs}, not older than
 * {@code maxAge}) from the files, continues ids after the highest id found, and skips lines that
 * are not messages (counted in {@link #corruptLinesSkipped()}, reported once as a {@code warn}
 * system message). It always starts a new file.
 *
 * <h2>Devices</h2>
 * With a {@link Builder#deviceId(String) deviceId}, every stored message that arrives without a
 * device id of its own is stored with this one (in memory, in the files, to subscribers).
 *
 * <h2>Retention</h2>
 * {@link #cleanup(Duration)} removes messages whose timestamp is before
 * {@code clock.instant() - maxAge}, in memory and (as whole files) on disk. It also runs every
 * hour with the configured {@code maxAge}, on a daemon thread named
 * {@code container-logging-local-cleanup}.
 *
 * <p>Thread-safety: all methods are thread-safe. One read-write lock guards the ring and indexes;
 * {@code log()} holds it only to append (and to hand the message to subscribers, so they see id
 * order).
 */
public final class LocalLogBackend implements LogBackend {

    /** Default for {@link Builder#maxLogs(int)}: 10 000 messages in memory. */
    public static final int DEFAULT_MAX_LOGS = 10_000;
    /** Default for {@link Builder#maxAge(Duration)}: 24 hours. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofHours(24);
    /** Default for {@link Builder#enableFilePersistence(boolean)}: off, memory only. */
    public static final boolean DEFAULT_ENABLE_FILE_PERSISTENCE = false;
    /** Default for {@link Builder#logDir(Path)}: {@code ./data/logs}. */
    public static final Path DEFAULT_LOG_DIR = Path.of("./data/logs");
    /** Default for {@link Builder#maxFileSize(long)}: 10 MiB. */
    public static final long DEFAULT_MAX_FILE_SIZE = 10L * 1024 * 1024;
    /** Default for {@link Builder#flushInterval(Duration)}: 1 second. */
    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(1);
    /** How often the scheduled cleanup runs. */
    public static final Duration CLEANUP_INTERVAL = Duration.ofHours(1);

    private static final System.Logger LOG = System.getLogger(LocalLogBackend.class.getName());
    private static final LogSource COMPONENT = new LogSource(SourceType.SYSTEM, "log-backend");
    private static final long DROP_REPORT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final AtomicInteger FANOUT_THREADS = new AtomicInteger();

    private static final int NEW = 0;
    private static final int STARTING = 1;
    private static final int RUNNING = 2;
    private static final int CLOSED = 3;

    private final int capacity;
    private final Duration maxAge;
    private final boolean filePersistence;
    private final Path logDir;
    private final long maxFileSize;
    private final Duration flushInterval;
    private final Clock clock;
    private final Duration cleanupInterval;
    private final ThreadFactory threadFactory;
    private final String deviceId;

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final LogFanout fanout;
    private volatile int state = NEW;

    // Guarded by lock. Every stored message gets a position (0, 1, 2, ...) that maps to ring slot
    // position % capacity; the ring holds positions [head, tail). A slot is null if cleanup
    // removed its message. Positions and ids both increase, so the newest-first walk can stop at
    // an afterId; ids need not be contiguous (a reload brings back ids with gaps).
    private final LogMessage[] ring;
    private final long[] sequences;
    // The time index: per slot, the newest timestamp (epoch ns) of every message stored up to
    // that position, evicted ones included. It never decreases along positions, although
    // timestamps may (containers' clocks and arrival order differ), so a newest-first walk for
    // `since` stops at the first position whose value is below it: nothing at or before that
    // position can match. Costs 8 bytes a message.
    private final long[] newestUpTo;
    private long newestSoFar = Long.MIN_VALUE;
    private long head;
    private long tail;
    private long live;
    private long lastSequence;
    private long appendsSinceSweep;
    private final Map<String, PositionIndex> byServiceName = new HashMap<>();
    private final Map<String, PositionIndex> byContainerId = new HashMap<>();
    private final Map<LogSource, LogSource> sources = new HashMap<>();

    // Persistence hand-off. writeCursor: the position the writer reads next; written by the writer
    // under the read lock, read by log() under the write lock.
    private volatile LogFileWriter writer;
    private volatile long writeCursor;
    private volatile long overrunDropped; // written under the write lock
    private long reportedDrops; // writer thread only
    private long lastDropReportNanos; // writer thread only
    private volatile long corruptLines;

    private volatile ScheduledExecutorService scheduler;

    private LocalLogBackend(Builder builder) {
        this.capacity = builder.maxLogs;
        this.maxAge = builder.maxAge;
        this.filePersistence = builder.enableFilePersistence;
        this.logDir = builder.logDir;
        this.maxFileSize = builder.maxFileSize;
        this.flushInterval = builder.flushInterval;
        this.clock = builder.clock;
        this.cleanupInterval = builder.cleanupInterval;
        this.threadFactory = builder.threadFactory;
        this.deviceId = builder.deviceId;
        this.ring = new LogMessage[capacity];
        this.sequences = new long[capacity];
        this.newestUpTo = new long[capacity];
        this.fanout = new LogFanout(runnable -> {
            Thread thread = new Thread(runnable, "container-logging-local-subscriber-" + FANOUT_THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** A builder with every setting at its default. */
    public static Builder builder() {
        return new Builder();
    }

    // ---- lifecycle ----------------------------------------------------------------------------

    /**
     * Creates the log directory, reloads persisted messages and starts the writer and the hourly
     * cleanup. Without file persistence, only starts the cleanup.
     *
     * @throws IOException if the log directory cannot be created or written; the backend can then
     *     be initialized again
     * @throws IllegalStateException if already initialized or closed
     */
    @Override
    public void initialize() throws IOException {
        lock.writeLock().lock();
        try {
            if (state != NEW) {
                throw new IllegalStateException(state == CLOSED ? "closed" : "already initialized");
            }
            state = STARTING;
        } finally {
            lock.writeLock().unlock();
        }
        long corrupt = 0;
        try {
            if (filePersistence) {
                corrupt = startPersistence();
            }
            scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
                Thread thread = threadFactory.newThread(runnable);
                thread.setName("container-logging-local-cleanup");
                return thread;
            });
            scheduler.scheduleWithFixedDelay(this::scheduledCleanup,
                    cleanupInterval.toNanos(), cleanupInterval.toNanos(), TimeUnit.NANOSECONDS);
        } catch (IOException | RuntimeException e) {
            stopBackgroundWork();
            writer = null;
            scheduler = null;
            lock.writeLock().lock();
            try {
                if (state == STARTING) {
                    // Forget anything reloaded, so that a later initialize() starts clean.
                    Arrays.fill(ring, null);
                    head = 0;
                    tail = 0;
                    newestSoFar = Long.MIN_VALUE;
                    live = 0;
                    lastSequence = 0;
                    writeCursor = 0;
                    byServiceName.clear();
                    byContainerId.clear();
                    state = NEW;
                }
            } finally {
                lock.writeLock().unlock();
            }
            throw e;
        }
        lock.writeLock().lock();
        try {
            if (state != STARTING) { // close() ran while we were starting
                stopBackgroundWork();
                throw new IllegalStateException("closed while initializing");
            }
            state = RUNNING;
        } finally {
            lock.writeLock().unlock();
        }
        if (corrupt > 0) {
            log(new LogMessage(null, "Skipped " + corrupt + " corrupt line" + (corrupt == 1 ? "" : "s")
                    + " while reloading logs from " + logDir.toAbsolutePath(), clock.instant(), LogLevel.WARN,
                    COMPONENT, null, null, null, false, true));
        }
    }

    /** @return the number of corrupt lines skipped */
    private long startPersistence() throws IOException {
        LogFiles.createDirectory(logDir);
        List<LogFiles.LogFile> existing = LogFiles.list(logDir);
        LogFileWriter fileWriter = new LogFileWriter(logDir, maxFileSize, flushInterval, clock,
                runnable -> {
                    Thread thread = threadFactory.newThread(runnable);
                    thread.setName("container-logging-local-writer");
                    return thread;
                }, new WriterSource(), capacity);
        // Open the first new file before reading: an unwritable directory fails here, clearly.
        fileWriter.open(existing.isEmpty() ? 0 : existing.get(existing.size() - 1).startMillis());
        writer = fileWriter;
        LogFiles.Reloaded reloaded = LogFiles.reload(existing, capacity, clock.instant().minus(maxAge));
        lock.writeLock().lock();
        try {
            for (LogMessage message : reloaded.messages()) {
                append(message, LogId.sequence(message.id()));
            }
            lastSequence = Math.max(lastSequence, reloaded.highestSequence());
            writeCursor = tail; // already on disk
        } finally {
            lock.writeLock().unlock();
        }
        corruptLines = reloaded.corruptLines();
        if (reloaded.corruptLines() > 0) {
            LOG.log(System.Logger.Level.WARNING, "skipped " + reloaded.corruptLines()
                    + " corrupt lines while reloading logs from " + logDir.toAbsolutePath());
        }
        fileWriter.deleteFilesOlderThan(clock.instant().minus(maxAge));
        fileWriter.start();
        return reloaded.corruptLines();
    }

    /**
     * Stops the cleanup, writes and flushes what is pending to the file (waiting up to 10 s),
     * closes subscriptions. Safe to call more than once; later {@code log()} calls are dropped.
     */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (state == CLOSED) {
                return;
            }
            state = CLOSED; // under the lock: no append can follow the writer's last drain
        } finally {
            lock.writeLock().unlock();
        }
        stopBackgroundWork();
        fanout.close();
    }

    /** Stops the cleanup, then lets the writer finish what is pending; both idempotent. */
    private void stopBackgroundWork() {
        ScheduledExecutorService cleanupScheduler = scheduler;
        if (cleanupScheduler != null) {
            cleanupScheduler.shutdownNow();
            try {
                cleanupScheduler.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        LogFileWriter fileWriter = writer;
        if (fileWriter != null) {
            fileWriter.close();
        }
    }

    // ---- writing ------------------------------------------------------------------------------

    /**
     * Stores {@code message} with the next id and hands it to matching subscribers and the file
     * writer. Never blocks on I/O; never throws for a non-null message. Before
     * {@link #initialize()} and after {@link #close()} the message is dropped and returned as is.
     */
    @Override
    public LogMessage log(LogMessage message) {
        Objects.requireNonNull(message, "message");
        LogMessage stored;
        long waitingForWriter;
        lock.writeLock().lock();
        try {
            if (state != RUNNING) {
                return message;
            }
            long sequence = ++lastSequence;
            stored = append(message, sequence);
            fanout.publish(stored); // under the lock, so subscribers get id order
            waitingForWriter = tail - writeCursor;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "cannot store log message", e);
            return message;
        } finally {
            lock.writeLock().unlock();
        }
        LogFileWriter fileWriter = writer;
        if (fileWriter != null) {
            fileWriter.nudge(waitingForWriter);
        }
        return stored;
    }

    /** Appends under the write lock: canonical strings, ring slot, indexes, eviction. */
    private LogMessage append(LogMessage message, long sequence) {
        PositionIndex service = message.serviceName() == null ? null
                : byServiceName.computeIfAbsent(message.serviceName(), PositionIndex::new);
        PositionIndex container = message.containerId() == null ? null
                : byContainerId.computeIfAbsent(message.containerId(), PositionIndex::new);
        LogSource source = sources.get(message.source());
        if (source == null) {
            source = message.source();
            if (sources.size() < 10_000) { // sources are few; the bound only guards memory
                sources.put(source, source);
            }
        }
        LogMessage stored = new LogMessage(LogId.format(sequence), message.message(), message.timestamp(),
                message.level(), source, message.serviceId(), service == null ? null : service.key,
                container == null ? null : container.key, message.isStdErr(), message.isSystem(),
                message.deviceId() != null ? message.deviceId() : deviceId);

        if (tail - head == capacity) {
            int evicted = slot(head);
            if (ring[evicted] != null) {
                live--;
                if (writer != null && head >= writeCursor) {
                    overrunDropped++;
                }
            }
            head++;
        }
        long position = tail++;
        int slot = slot(position);
        ring[slot] = stored;
        sequences[slot] = sequence;
        newestSoFar = Math.max(newestSoFar, epochNanos(stored.timestamp()));
        newestUpTo[slot] = newestSoFar;
        live++;
        if (service != null) {
            service.add(position);
        }
        if (container != null) {
            container.add(position);
        }
        if (++appendsSinceSweep >= capacity) {
            sweepIndexes();
        }
        return stored;
    }

    /** Epoch nanoseconds, saturated at the long range (years 1677 to 2262 fit exactly). */
    static long epochNanos(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds >= Long.MAX_VALUE / 1_000_000_000L) {
            return Long.MAX_VALUE;
        }
        if (seconds <= Long.MIN_VALUE / 1_000_000_000L) {
            return Long.MIN_VALUE + 1; // above the "nothing stored" marker
        }
        return seconds * 1_000_000_000L + instant.getNano();
    }

    private int slot(long position) {
        return (int) (position % capacity);
    }

    /** Drops index entries below head and indexes left empty (containers come and go). */
    private void sweepIndexes() {
        appendsSinceSweep = 0;
        sweep(byServiceName);
        sweep(byContainerId);
    }

    private void sweep(Map<String, PositionIndex> indexes) {
        for (Iterator<PositionIndex> it = indexes.values().iterator(); it.hasNext(); ) {
            PositionIndex index = it.next();
            index.trimBelow(head);
            if (index.size() == 0) {
                it.remove();
            }
        }
    }

    // ---- reading ------------------------------------------------------------------------------

    @Override
    public List<LogMessage> getLogs(LogQuery query) {
        Objects.requireNonNull(query, "query");
        Integer limit = query.limit();
        if (limit != null && limit == 0) {
            return List.of();
        }
        int max = limit == null ? Integer.MAX_VALUE : limit;
        boolean forward = limit != null && query.afterId() != null;
        // Newest first; for forward paging only the last `max` visited (the oldest after the
        // cursor) are kept: the walk stops at the cursor, so it costs what the poller is behind.
        ArrayDeque<LogMessage> newestFirst = new ArrayDeque<>(Math.min(max, 256));
        lock.readLock().lock();
        try {
            walk(query, (message) -> {
                newestFirst.addLast(message);
                if (forward) {
                    if (newestFirst.size() > max) {
                        newestFirst.removeFirst();
                    }
                    return true;
                }
                return newestFirst.size() < max;
            });
        } finally {
            lock.readLock().unlock();
        }
        List<LogMessage> oldestFirst = new ArrayList<>(newestFirst.size());
        newestFirst.descendingIterator().forEachRemaining(oldestFirst::add);
        return oldestFirst;
    }

    @Override
    public long count() {
        lock.readLock().lock();
        try {
            return live;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public long count(LogQuery query) {
        Objects.requireNonNull(query, "query");
        long[] matches = new long[1];
        lock.readLock().lock();
        try {
            if (query.withoutLimit().equals(LogQuery.all())) {
                return live;
            }
            walk(query, message -> {
                matches[0]++;
                return true;
            });
        } finally {
            lock.readLock().unlock();
        }
        return matches[0];
    }

    /** Receives matching messages, newest first; returns false to stop the walk. */
    private interface Visitor {
        boolean visit(LogMessage message);
    }

    /**
     * Visits the messages matching {@code query} (its limit aside) newest first, under the read
     * lock. Uses the smallest applicable index, else the whole ring.
     */
    private void walk(LogQuery query, Visitor visitor) {
        long afterSequence = query.afterSequence();
        long since = query.since() == null ? Long.MIN_VALUE : epochNanos(query.since());
        // afterId is enforced by stopping the walk; the rest by matches() (no id parsing per message).
        LogQuery criteria = query.afterId() == null ? query : query.toBuilder().afterId(null).build();
        List<PositionIndex> candidates = candidates(query);
        if (candidates == null) {
            for (long position = tail - 1; position >= head; position--) {
                int slot = slot(position);
                if (newestUpTo[slot] < since) {
                    return; // everything from here back is older than `since`
                }
                LogMessage message = ring[slot];
                if (message == null) {
                    continue;
                }
                if (sequences[slot] <= afterSequence) {
                    return;
                }
                if (criteria.matches(message) && !visitor.visit(message)) {
                    return;
                }
            }
            return;
        }
        // Merge the candidate lists newest first (usually one list; several for a short prefix).
        int lists = candidates.size();
        int[] next = new int[lists];
        while (true) {
            int best = -1;
            long bestPosition = -1;
            for (int i = 0; i < lists; i++) {
                PositionIndex index = candidates.get(i);
                if (next[i] < index.size()) {
                    long position = index.newest(next[i]);
                    if (position > bestPosition) {
                        bestPosition = position;
                        best = i;
                    }
                }
            }
            if (best < 0 || bestPosition < head) {
                return;
            }
            next[best]++;
            int slot = slot(bestPosition);
            if (newestUpTo[slot] < since) {
                return;
            }
            LogMessage message = ring[slot];
            if (message == null) {
                continue;
            }
            if (sequences[slot] <= afterSequence) {
                return;
            }
            if (criteria.matches(message) && !visitor.visit(message)) {
                return;
            }
        }
    }

    /**
     * The index lists that hold every candidate for {@code query}: the smaller of the service-name
     * list and the container-id lists; an empty list if a filter matches nothing; null for a full
     * scan.
     */
    private List<PositionIndex> candidates(LogQuery query) {
        List<PositionIndex> best = null;
        long bestSize = Long.MAX_VALUE;
        if (query.serviceName() != null) {
            PositionIndex index = byServiceName.get(query.serviceName());
            if (index == null) {
                return List.of();
            }
            best = List.of(index);
            bestSize = index.size();
        }
        if (query.containerId() != null) {
            String prefix = query.containerId();
            List<PositionIndex> matching = new ArrayList<>(1);
            long size = 0;
            PositionIndex exact = byContainerId.get(prefix);
            if (exact != null && prefix.length() >= 64) { // a full id: nothing longer can start with it
                matching.add(exact);
                size = exact.size();
            } else {
                for (Map.Entry<String, PositionIndex> entry : byContainerId.entrySet()) {
                    if (entry.getKey().startsWith(prefix)) {
                        matching.add(entry.getValue());
                        size += entry.getValue().size();
                    }
                }
            }
            if (matching.isEmpty()) {
                return List.of();
            }
            if (size < bestSize) {
                best = matching;
            }
        }
        return best;
    }

    // ---- retention ----------------------------------------------------------------------------

    /**
     * Removes the messages whose timestamp is before {@code clock.instant() - maxAge} from memory,
     * and the log files whose every line was written before then.
     *
     * @return how many messages were removed from memory
     * @throws NullPointerException if {@code maxAge} is null
     * @throws IllegalArgumentException if {@code maxAge} is negative
     */
    @Override
    public long cleanup(Duration maxAge) {
        Objects.requireNonNull(maxAge, "maxAge");
        if (maxAge.isNegative()) {
            throw new IllegalArgumentException("maxAge must not be negative, was " + maxAge);
        }
        Instant cutoff = clock.instant().minus(maxAge);
        long removed = 0;
        lock.writeLock().lock();
        try {
            for (long position = head; position < tail; position++) {
                int slot = slot(position);
                LogMessage message = ring[slot];
                if (message != null && message.timestamp().isBefore(cutoff)) {
                    ring[slot] = null;
                    removed++;
                }
            }
            live -= removed;
            while (head < tail && ring[slot(head)] == null) {
                head++;
            }
            if (removed > 0) {
                sweepIndexes();
            }
        } finally {
            lock.writeLock().unlock();
        }
        LogFileWriter fileWriter = writer;
        if (fileWriter != null) {
            fileWriter.deleteFilesOlderThan(cutoff);
        }
        return removed;
    }

    private void scheduledCleanup() {
        try {
            long removed = cleanup(maxAge);
            LOG.log(System.Logger.Level.DEBUG, "scheduled cleanup removed " + removed + " messages");
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "scheduled cleanup failed", e);
        }
    }

    // ---- subscriptions ------------------------------------------------------------------------

    @Override
    public LogSubscription subscribe(LogQuery filter, int bufferSize, LogSubscriber subscriber) {
        if (state == CLOSED) {
            throw new IllegalStateException("closed");
        }
        return fanout.subscribe(filter, bufferSize, subscriber);
    }

    @Override
    public int subscriberCount() {
        return fanout.subscriberCount();
    }

    // ---- observability ------------------------------------------------------------------------

    /**
     * Lines skipped by the last {@link #initialize()} because they were not messages (a torn last
     * line, garbage). 0 without file persistence.
     */
    public long corruptLinesSkipped() {
        return corruptLines;
    }

    /**
     * Messages stored in memory but never written to a file since {@link #initialize()}: evicted
     * from the ring before the writer reached them, or lost to a write error. 0 without file
     * persistence.
     */
    public long persistenceDropped() {
        LogFileWriter fileWriter = writer;
        return overrunDropped + (fileWriter == null ? 0 : fileWriter.failedMessages());
    }

    /** How many service names and container ids are indexed; for tests of index cleanup. */
    int indexedKeys() {
        lock.readLock().lock();
        try {
            return byServiceName.size() + byContainerId.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The configured ring capacity. */
    public int maxLogs() {
        return capacity;
    }

    @Override
    public String toString() {
        return "LocalLogBackend[maxLogs=" + capacity + ", maxAge=" + maxAge
                + (filePersistence ? ", logDir=" + logDir : ", memory only") + "]";
    }

    /** The writer's view of the ring. */
    private final class WriterSource implements LogFileWriter.Source {
        @Override
        public int drainTo(List<LogMessage> batch, int max) {
            lock.readLock().lock();
            try {
                long position = Math.max(writeCursor, head);
                int copied = 0;
                for (; position < tail && copied < max; position++) {
                    LogMessage message = ring[slot(position)];
                    if (message != null) {
                        batch.add(message);
                        copied++;
                    }
                }
                writeCursor = position;
                return copied;
            } finally {
                lock.readLock().unlock();
            }
        }

        @Override
        public void afterBatch() {
            long dropped = persistenceDropped();
            long now = System.nanoTime();
            if (dropped > reportedDrops
                    && (reportedDrops == 0 || now - lastDropReportNanos >= DROP_REPORT_INTERVAL_NANOS)) {
                long newly = dropped - reportedDrops;
                reportedDrops = dropped;
                lastDropReportNanos = now;
                String text = "Suppressed " + newly + " log message" + (newly == 1 ? "" : "s")
                        + ": not written to " + logDir.toAbsolutePath()
                        + " (the file writer fell behind or failed; " + dropped + " in total)";
                LOG.log(System.Logger.Level.WARNING, text);
                log(new LogMessage(null, text, clock.instant(), LogLevel.WARN, COMPONENT, null, null, null,
                        false, true));
            }
        }
    }

    /**
     * Configures a {@link LocalLogBackend}. Every setter checks its value at once. Not
     * thread-safe.
     */
    public static final class Builder {
        private int maxLogs = DEFAULT_MAX_LOGS;
        private Duration maxAge = DEFAULT_MAX_AGE;
        private boolean enableFilePersistence = DEFAULT_ENABLE_FILE_PERSISTENCE;
        private Path logDir = DEFAULT_LOG_DIR;
        private long maxFileSize = DEFAULT_MAX_FILE_SIZE;
        private Duration flushInterval = DEFAULT_FLUSH_INTERVAL;
        private Clock clock = Clock.systemUTC();
        private Duration cleanupInterval = CLEANUP_INTERVAL;
        private String deviceId;
        private ThreadFactory threadFactory = runnable -> {
            Thread thread = new Thread(runnable);
            thread.setDaemon(true);
            return thread;
        };

        private Builder() {
        }

        /**
         * How many of the newest messages to keep in memory (and to reload at start).
         * Default {@value LocalLogBackend#DEFAULT_MAX_LOGS}.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder maxLogs(int maxLogs) {
            if (maxLogs < 1) {
                throw new IllegalArgumentException("maxLogs must be >= 1, was " + maxLogs);
            }
            this.maxLogs = maxLogs;
            return this;
        }

        /**
         * How old a message (by its timestamp and the clock) may get before the hourly cleanup
         * removes it, and the oldest a reloaded message may be. Default 24 hours.
         *
         * @throws NullPointerException if null
         * @throws IllegalArgumentException if zero or negative
         */
        public Builder maxAge(Duration maxAge) {
            Objects.requireNonNull(maxAge, "maxAge");
            if (maxAge.isZero() || maxAge.isNegative()) {
                throw new IllegalArgumentException("maxAge must be positive, was " + maxAge);
            }
            this.maxAge = maxAge;
            return this;
        }

        /** Whether to write messages to files in {@link #logDir(Path)} and reload them. Default off. */
        public Builder enableFilePersistence(boolean enableFilePersistence) {
            this.enableFilePersistence = enableFilePersistence;
            return this;
        }

        /**
         * The directory of the log files, created (0700) by {@link LocalLogBackend#initialize()}.
         * Default {@code ./data/logs}.
         *
         * @throws NullPointerException if null
         */
        public Builder logDir(Path logDir) {
            this.logDir = Objects.requireNonNull(logDir, "logDir");
            return this;
        }

        /**
         * The size in bytes a log file may reach before a new one is started (a single longer
         * line still gets a file of its own). Default 10 MiB.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder maxFileSize(long maxFileSize) {
            if (maxFileSize < 1) {
                throw new IllegalArgumentException("maxFileSize must be >= 1, was " + maxFileSize);
            }
            this.maxFileSize = maxFileSize;
            return this;
        }

        /**
         * How long written lines may sit in the writer's buffer before they are flushed to the
         * operating system: the crash window. Default 1 second.
         *
         * @throws NullPointerException if null
         * @throws IllegalArgumentException if zero or negative
         */
        public Builder flushInterval(Duration flushInterval) {
            Objects.requireNonNull(flushInterval, "flushInterval");
            if (flushInterval.isZero() || flushInterval.isNegative()) {
                throw new IllegalArgumentException("flushInterval must be positive, was " + flushInterval);
            }
            this.flushInterval = flushInterval;
            return this;
        }

        /**
         * The clock for message age (cleanup, reload) and file names. Default
         * {@link Clock#systemUTC()}.
         *
         * @throws NullPointerException if null
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The id of the device this backend runs on, stamped on every stored message that has
         * none of its own, so that messages keep telling where they came from once they reach a
         * central store or API. Set it here, once per device: every message of the device, from
         * the container monitor or the host application, passes through its backend. Default
         * none (messages are stored as they arrive).
         *
         * @throws IllegalArgumentException if empty or blank
         */
        public Builder deviceId(String deviceId) {
            if (deviceId != null && deviceId.isBlank()) {
                throw new IllegalArgumentException("deviceId must not be blank, was '" + deviceId + "'");
            }
            this.deviceId = deviceId;
            return this;
        }

        /** How often the scheduled cleanup runs; for tests. Default {@link #CLEANUP_INTERVAL}. */
        Builder cleanupInterval(Duration cleanupInterval) {
            Objects.requireNonNull(cleanupInterval, "cleanupInterval");
            if (cleanupInterval.isZero() || cleanupInterval.isNegative()) {
                throw new IllegalArgumentException("cleanupInterval must be positive, was " + cleanupInterval);
            }
            this.cleanupInterval = cleanupInterval;
            return this;
        }

        /** Makes the writer and cleanup threads (renamed after creation); for tests. */
        Builder threadFactory(ThreadFactory threadFactory) {
            this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
            return this;
        }

        /** A new, not yet initialized backend with these settings. */
        public LocalLogBackend build() {
            return new LocalLogBackend(this);
        }
    }
}
