package io.containerlogging.local;

import io.containerlogging.core.CheckpointStore;
import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogId;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.LogSource;
import io.containerlogging.core.SourceType;
import io.containerlogging.core.spi.AbstractLogBackend;
import io.containerlogging.core.spi.BackendSettings;
import io.containerlogging.core.spi.IdSequence;
import io.containerlogging.core.spi.SettingChecks;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

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
 * {@link Builder#maxFileSize(long) maxFileSize}; the one before is then gzip-compressed to
 * {@code container-manager-<epoch-ms>.log.gz} on a thread of its own
 * ({@code container-logging-local-compressor-N}; {@link Builder#compressRotatedFiles(boolean)}).
 * With a {@link Builder#retention(RetentionPolicy) retention policy}, messages with another age
 * than {@code maxAge} go to files in {@code logDir/keep-<age>} (see the package documentation for
 * why). A file is deleted by cleanup once every line in it was written before its age's cutoff
 * (judged by file names, times and the clock, never by reading the file); the file being written
 * is never deleted, and the last file of an earlier run counts as written to until it was closed
 * (or this run started). With {@link Builder#maxTotalSize(long) maxTotalSize}, whole files are
 * deleted as soon as the files take more, their messages leave memory, and the deletion is reported
 * as a {@code warn} system message ({@link #storageStatistics()}). Encoding and writing happen on one background thread
 * ({@code container-logging-local-writer-N}) that copies batches out of the ring, so {@code log()}
 * never waits for the disk. The ring is the hand-off buffer: while half of it holds lines the
 * writer has not copied, {@code log()} waits for the writer (at most
 * {@link Builder#overflowWait(Duration) overflowWait}) rather than evict them; a message evicted
 * before the writer reached it all the same (a disk stuck for longer) is counted
 * ({@link #statistics()}{@code .dropped()}) and reported as a {@code warn} system message.
 *
 * <h2>Durable state</h2>
 * Next to the log files, three small files, each replaced atomically and forced to the device:
 * <ul>
 *   <li>{@code checkpoints.json}: the read position of every container stream (see
 *       {@link LogBackend#readPosition}), saved by the writer right after it has flushed the lines
 *       they cover and forced them to the device, so a checkpoint never runs ahead of the files.
 *       At start, lines written after the last save are read back and counted in, so the
 *       positions match the files exactly; positions of streams idle for longer than
 *       {@code maxAge} expire.</li>
 *   <li>{@code ids.json}: ids reserved ahead of use in blocks of 2<sup>20</sup>; after a crash the
 *       next run continues above the reservation, after a clean close right after the last id,
 *       so an id once returned or served never names another message.</li>
 *   <li>{@code removed.json}: what {@link #cleanup(Duration)} removed with an age shorter than
 *       {@code maxAge}, left out at the next reload.</li>
 * </ul>
 *
 * <p><b>Crash window:</b> lines are flushed and forced to the device at most
 * {@link Builder#flushInterval(Duration) flushInterval} after they are stored (and on
 * {@link #close()}). A crash of the JVM or of the machine loses from the files up to about one
 * flush interval of messages, which the read checkpoints do not cover yet, so a collector reads
 * them again. A torn last line is skipped on the next start.
 *
 * <p>{@link #initialize()} reloads the newest messages (at most {@code maxLogs}, not older than
 * {@code maxAge}) from the files, continues ids as above, and skips lines that are not messages
 * (counted in {@link #statistics()}{@code .skipped()}, reported once as a {@code warn} system
 * message). It always starts a new file.
 *
 * <h2>Devices</h2>
 * With a {@link Builder#deviceId(String) deviceId}, every stored message that arrives without a
 * device id of its own is stored with this one (in memory, in the files, to subscribers).
 *
 * <h2>Retention</h2>
 * {@link #cleanup()} removes messages whose timestamp is older than their age ({@code maxAge}, or
 * what the {@link Builder#retention(RetentionPolicy) retention policy} gives their service and
 * level), in memory and (as whole files) on disk; it runs every hour on a daemon thread named
 * {@code container-logging-local-cleanup}. {@link #cleanup(Duration)} does the same with one age
 * for everything. The next start leaves out what either removed.
 *
 * <h2>Threads</h2>
 * A writer, a syncer and a compressor ({@code container-logging-local-writer-N} and so on, with
 * persistence), a cleanup thread
 * ({@code container-logging-local-cleanup-N}) and subscriber threads, all daemons; or threads of
 * the {@link Builder#threadFactory(ThreadFactory) host's factory}, which are not renamed.
 *
 * <p>Thread-safety: all methods are thread-safe. {@code log()} holds the ring's lock only to
 * append (and to hand the message to subscribers, so they see id order).
 */
public final class LocalLogBackend extends AbstractLogBackend {

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
    /** Default for {@link Builder#maxTotalSize(long)}: {@link Long#MAX_VALUE}, no budget. */
    public static final long DEFAULT_MAX_TOTAL_SIZE = Long.MAX_VALUE;
    /** Default for {@link Builder#compressRotatedFiles(boolean)}: on. */
    public static final boolean DEFAULT_COMPRESS_ROTATED_FILES = true;
    /**
     * Default for {@link Builder#compressionLevel(int)}: 1, deflate's fastest. On container logs it
     * keeps 8 to 30 times less than the plain files and 4 to 7 times less than Docker's json-file
     * of the same lines, for about half the CPU of level 6, whose files are 1.2 to 2 times smaller
     * still (docs/BENCHMARKS.md, "Local storage").
     */
    public static final int DEFAULT_COMPRESSION_LEVEL = 1;

    /** Default for {@link Builder#overflowWait(Duration)}: 2 seconds. */
    public static final Duration DEFAULT_OVERFLOW_WAIT = Duration.ofSeconds(2);
    /** Default for {@link Builder#closeTimeout(Duration)}: 10 seconds. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

    /** The file in {@code logDir} that keeps the read checkpoints of container streams. */
    static final String CHECKPOINT_FILE = "checkpoints.json";

    private static final System.Logger LOG = System.getLogger(LocalLogBackend.class.getName());
    private static final LogSource COMPONENT = new LogSource(SourceType.SYSTEM, "log-backend");
    private static final long DROP_REPORT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long ROOM_POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    private static final Duration DELETION_REPORT_INTERVAL = Duration.ofSeconds(1);

    private final Duration maxAge;
    private final boolean filePersistence;
    private final Path logDir;
    private final long maxFileSize;
    private final Duration flushInterval;
    private final Clock clock;
    private final Duration cleanupInterval;
    private final long maxTotalSize;
    private final boolean compress;
    private final int compressionLevel;
    private final MessageAges ages;
    private final MessageRing ring;
    private final ReservedIds reservedIds; // null without persistence
    private volatile Removals removals = Removals.NONE;
    private final long roomThreshold;
    private final long overflowWaitNanos;
    private final boolean durableReads;
    private volatile boolean congested;

    private volatile LogFileWriter writer;
    private volatile FileCatalog catalog;
    private volatile FileCompressor compressor;
    private volatile ScheduledExecutorService scheduler;
    private final BudgetDeletions budgetDeletions = new BudgetDeletions();
    private final java.util.concurrent.atomic.AtomicLong retentionDeletedFiles = new java.util.concurrent.atomic.AtomicLong();
    private volatile long corruptLines;
    private long reportedDrops; // writer thread only
    private long writtenThrough; // writer thread only: the highest id handed to the files
    private final StoreReaders readers = new StoreReaders();
    private volatile long appendedThrough; // written under the append lock
    private long lastDropReportNanos; // writer thread only

    private LocalLogBackend(Builder builder) {
        this(builder, builder.enableFilePersistence ? new ReservedIds(builder.logDir) : null);
    }

    private LocalLogBackend(Builder builder, ReservedIds reservedIds) {
        this(builder, reservedIds, new MessageRing(builder.maxLogs));
    }

    private LocalLogBackend(Builder builder, ReservedIds reservedIds, MessageRing ring) {
        super(new BackendSettings("local", reservedIds != null ? reservedIds : IdSequence.counter(), builder.deviceId,
                builder.clock, builder.threadFactory, builder.closeTimeout, BackendSettings.DEFAULT_FLUSH_TIMEOUT, null,
                reservedIds != null ? CheckpointStore.file(builder.logDir.resolve(CHECKPOINT_FILE)) : null,
                builder.retention.ages(builder.maxAge).last()), ring.writeLock());
        this.reservedIds = reservedIds;
        this.maxAge = builder.maxAge;
        this.filePersistence = builder.enableFilePersistence;
        this.logDir = builder.logDir;
        this.maxFileSize = builder.maxFileSize;
        this.flushInterval = builder.flushInterval;
        this.clock = builder.clock;
        this.cleanupInterval = builder.cleanupInterval;
        this.maxTotalSize = builder.maxTotalSize;
        this.compress = builder.compressRotatedFiles;
        this.compressionLevel = builder.compressionLevel;
        this.ages = new MessageAges(builder.retention, builder.maxAge);
        this.ring = ring;
        this.roomThreshold = Math.max(1, builder.maxLogs / 2);
        this.overflowWaitNanos = builder.overflowWait.toNanos();
        this.durableReads = builder.durableReads;
    }

    /**
     * A builder with every setting at its default.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    // ---- lifecycle ----------------------------------------------------------------------------

    /**
     * Creates the log directory, reloads persisted messages and starts the writer and the hourly
     * cleanup. Without file persistence, only starts the cleanup.
     *
     * @return the highest id reloaded
     * @throws IOException if the log directory cannot be created or written; the backend can then
     *     be initialized again
     */
    @Override
    protected long open() throws IOException {
        try {
            long highest = filePersistence ? startPersistence() : 0;
            ScheduledThreadPoolExecutor cleanup = new ScheduledThreadPoolExecutor(1, settings().threadFactory("cleanup"));
            cleanup.scheduleWithFixedDelay(this::scheduledCleanup,
                    cleanupInterval.toNanos(), cleanupInterval.toNanos(), TimeUnit.NANOSECONDS);
            if (filePersistence) {
                cleanup.scheduleWithFixedDelay(this::reportDeletions, DELETION_REPORT_INTERVAL.toNanos(),
                        DELETION_REPORT_INTERVAL.toNanos(), TimeUnit.NANOSECONDS);
            }
            scheduler = cleanup;
            return highest;
        } catch (IOException | RuntimeException e) {
            shutdown();
            writer = null;
            compressor = null;
            catalog = null;
            scheduler = null;
            ring.clear(); // forget anything reloaded, so that a later initialize() starts clean
            throw e;
        }
    }

    private long startPersistence() throws IOException {
        LogFiles.createDirectory(logDir);
        FileCatalog files = FileCatalog.open(logDir, maxAge, maxTotalSize, clock.millis(), this::deleted);
        catalog = files;
        ages.files(files);
        FileCompressor fileCompressor = compress ? new FileCompressor(files, compressionLevel,
                () -> ring.unwrittenHint() >= LogFileWriter.BATCH_SIZE, settings().threadFactory("compressor"))
                : null;
        compressor = fileCompressor;
        LogFileWriter fileWriter = new LogFileWriter(logDir, maxFileSize, flushInterval, clock,
                settings().threadFactory("writer"), new WriterSource(), ring.capacity(), files, ages::fileClass,
                ages.defaultClass(), fileCompressor, maxTotalSize);
        List<List<LogFiles.LogFile>> existing = files.filesByClass();
        // Open the first new file before reading: an unwritable directory fails here, clearly.
        fileWriter.open(files.newestStartMillis());
        writer = fileWriter;
        removals = Removals.load(logDir);
        List<LogMessage> replayed = new ArrayList<>();
        Instant now = clock.instant();
        FileReload.Reloaded reloaded = FileReload.reload(existing, ring.capacity(),
                message -> now.minus(ages.ageOf(message)), removals, checkpointedThrough(), message -> {
                    replayed.add(message);
                    if (replayed.size() == LogFileWriter.BATCH_SIZE) {
                        durablyStored(replayed);
                        replayed.clear();
                    }
                }, settings().threadFactory("reload"));
        durablyStored(replayed); // lines written after the last saved checkpoint: read, so not read again
        files.ranges(reloaded.ranges());
        readers.forced(reloaded.highestSequence()); // the files of earlier runs: on the device
        ring.reload(reloaded.columns(), true);
        corruptLines = reloaded.corruptLines();
        if (reloaded.corruptLines() > 0) {
            LOG.log(System.Logger.Level.WARNING, "skipped " + reloaded.corruptLines()
                    + " corrupt lines while reloading logs from " + logDir.toAbsolutePath());
        }
        files.deleteExpired(now.toEpochMilli(), null);
        files.enforceBudget(); // the budget may be smaller than in the last run
        long continueAfter = reservedIds.open(reloaded.highestSequence());
        if (fileCompressor != null) {
            files.plainClosedFiles().forEach(fileCompressor::submit); // left plain by the last run
            fileCompressor.start();
        }
        fileWriter.start();
        return continueAfter;
    }

    // A file is gone (catalog thread, outside its lock). What the budget deleted leaves memory too.
    private void deleted(FileCatalog.Entry entry, boolean forBudget) {
        readers.deleted(entry);
        if (!forBudget) {
            retentionDeletedFiles.incrementAndGet();
            return;
        }
        if (entry.lines > 0) {
            FileCatalog.FileClass fileClass = entry.fileClass;
            ring.removeIf(entry.firstSequence, entry.lastSequence,
                    message -> ages.uniform() || fileClass.equals(ages.fileClass(message)));
        }
        budgetDeletions.record(entry.size, entry.lines);
    }

    private void reportDeletions() {
        try {
            String text = budgetDeletions.newReport(logDir, maxTotalSize);
            if (text != null) {
                LOG.log(System.Logger.Level.WARNING, text);
                log(systemMessage(text, LogLevel.WARN));
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot report deleted log files", e);
        }
    }

    @Override
    protected void started() {
        long corrupt = corruptLines;
        if (corrupt > 0) {
            log(systemMessage("Skipped " + corrupt + " corrupt line" + (corrupt == 1 ? "" : "s")
                    + " while reloading logs from " + logDir.toAbsolutePath(), LogLevel.WARN));
        }
    }

    @Override
    protected void shutdown() {
        ScheduledExecutorService cleanupScheduler = scheduler;
        if (cleanupScheduler != null) {
            cleanupScheduler.shutdownNow();
            try {
                cleanupScheduler.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // The compressor first: the files the writer closes now stay plain until the next start,
        // so that closing never waits for their compression.
        FileCompressor fileCompressor = compressor;
        if (fileCompressor != null) {
            fileCompressor.close(settings().closeTimeout());
        }
        LogFileWriter fileWriter = writer;
        if (fileWriter != null) {
            fileWriter.close(settings().closeTimeout());
            if (isClosed()) {
                reservedIds.closeCleanly();
            }
        }
    }

    private LogMessage systemMessage(String text, LogLevel level) {
        return new LogMessage(null, text, clock.instant(), level, COMPONENT, null, null, null, false, true, null);
    }

    // ---- writing ------------------------------------------------------------------------------

    @Override
    protected LogMessage append(LogMessage message, String id, long sequence, String deviceId) {
        LogMessage kept = ring.append(message, id, deviceId, sequence); // the append lock is the ring's write lock
        appendedThrough = sequence;
        LogFileWriter fileWriter = writer;
        if (fileWriter != null) {
            fileWriter.nudge(ring.unwrittenHint());
        }
        return kept;
    }

    /**
     * With persistence, waits while half the ring holds lines the file writer has not copied yet,
     * so that a flood is slowed to the disk's pace instead of evicting unwritten lines (which would
     * be lost to the files and skipped by the read checkpoints). Waits at most
     * {@link Builder#overflowWait(Duration) overflowWait}; after one wait runs out (a hung disk),
     * no call waits again until the writer has caught up, and evicted lines are counted and
     * reported.
     */
    @Override
    protected void awaitRoom() {
        LogFileWriter fileWriter = writer;
        if (fileWriter == null || ring.unwrittenHint() < roomThreshold) {
            if (congested && fileWriter != null && ring.unwrittenHint() == 0) {
                congested = false;
            }
            return;
        }
        if (congested || overflowWaitNanos == 0) {
            return;
        }
        long deadline = System.nanoTime() + overflowWaitNanos;
        fileWriter.nudge(Long.MAX_VALUE);
        while (ring.unwrittenHint() >= roomThreshold) {
            if (System.nanoTime() - deadline >= 0) {
                congested = true;
                return;
            }
            LockSupport.parkNanos(ROOM_POLL_NANOS);
            fileWriter.nudge(Long.MAX_VALUE);
        }
    }

    // ---- reading ------------------------------------------------------------------------------

    @Override
    public List<LogMessage> getLogs(LogQuery query) {
        Objects.requireNonNull(query, "query");
        long through = visibleThrough();
        if (query.afterId() != null && query.limit() != null && query.limit() > 0) {
            FileCatalog files = catalog;
            if (files != null && isRunning()) {
                return forwardPage(query, through, files);
            }
        }
        return ring.query(query, through);
    }

    /**
     * A forward page ({@code afterId} and {@code limit}): from the files as far as the memory, if
     * the cursor is older than the oldest message in memory, then from the memory. A poller that
     * fell more than {@code maxLogs} behind misses nothing that is still on disk.
     *
     * <p>The memory keeps evicting while the page is read. The oldest sequence only grows, so if
     * it is still at most the cursor + 1 after the memory was asked, the memory's answer started
     * right after the cursor; if it moved past the cursor meanwhile, the lines it evicted are
     * read from the files on the next round instead of being jumped over.
     */
    private List<LogMessage> forwardPage(LogQuery query, long through, FileCatalog files) {
        int limit = query.limit();
        List<LogMessage> page = new ArrayList<>(Math.min(limit, 1024));
        long last = query.afterSequence();
        while (true) {
            long oldest = ring.oldestSequence();
            if (last + 1 < oldest) {
                last = readFiles(query, through, oldest, files, page, last);
                if (page.size() == limit) {
                    return page;
                }
            }
            List<LogMessage> rest = ring.query(
                    query.toBuilder().afterId(LogId.format(last)).limit(limit - page.size()).build(), through);
            long oldestAfter = ring.oldestSequence();
            // Unchanged: the files simply end before the memory (an id gap after a crash, or
            // lines lost to a stuck disk, counted where they were lost).
            if (oldestAfter <= last + 1 || oldestAfter == oldest) {
                page.addAll(rest);
                return page;
            }
        }
    }

    /**
     * Adds to {@code page} the matching messages from the files after {@code last} and before
     * {@code oldest}, until the page is full; returns the sequence of the last message read.
     */
    private long readFiles(LogQuery query, long through, long oldest, FileCatalog files, List<LogMessage> page,
            long last) {
        int limit = query.limit();
        LogQuery criteria = query.toBuilder().afterId(null).limit(null).build();
        Instant now = clock.instant();
        Removals removed = removals;
        // The files must reach the memory: every line before the oldest in memory was evicted,
        // and eviction waits for the writer, so such lines are in the files.
        long needed = Math.min(oldest - 1, through);
        boolean waited = false;
        try (StoreReader reader = readers.open(last, files::viewsByClass)) {
            while (page.size() < limit) {
                List<LogMessage> batch = reader.next(1024);
                if (batch.isEmpty()) {
                    // A reader sees only lines forced to the device; evicted lines may be written
                    // but not forced yet (a flood of more than maxLogs within one flush interval).
                    // Have them forced rather than jump over them to the memory.
                    LogFileWriter fileWriter = writer;
                    if (!waited && fileWriter != null && last < needed && readers.forcedThrough() < needed) {
                        waited = true;
                        awaitForced(fileWriter, needed);
                        continue;
                    }
                    return last;
                }
                for (LogMessage message : batch) {
                    long sequence = LogId.sequence(message.id());
                    if (sequence >= oldest || sequence > through) {
                        return last;
                    }
                    last = sequence;
                    if (!ages.expired(message, now) && !removed.removes(sequence, message.timestamp())
                            && criteria.matches(message)) {
                        page.add(message);
                        if (page.size() == limit) {
                            return last;
                        }
                    }
                }
            }
        }
        return last;
    }

    @Override
    public long count() {
        return ring.count(LogQuery.all(), visibleThrough());
    }

    @Override
    public long count(LogQuery query) {
        Objects.requireNonNull(query, "query");
        return ring.count(query, visibleThrough());
    }

    @Override
    protected boolean servesOnlyDurable() {
        return durableReads && filePersistence;
    }

    @Override
    protected void flushStore() {
        LogFileWriter fileWriter = writer;
        if (fileWriter == null) {
            return;
        }
        // Queries see a message at once (or, with durable reads, once the base's wait below ends);
        // a StoreReader once it is on the device: wait for that too, a bounded time (a message the
        // writer dropped never gets there).
        awaitForced(fileWriter, appendedThrough);
    }

    /** Has the writer flush now and waits, at most the flush timeout, until {@code target} is on the device. */
    private void awaitForced(LogFileWriter fileWriter, long target) {
        fileWriter.flushSoon();
        long deadline = System.nanoTime() + settings().flushTimeout().toNanos();
        while (readers.forcedThrough() < target && System.nanoTime() < deadline && isRunning()) {
            LockSupport.parkNanos(ROOM_POLL_NANOS * 10);
        }
    }

    // ---- retention ----------------------------------------------------------------------------

    /**
     * Removes messages whose timestamp is before {@code clock.instant() - maxAge}, whatever their
     * service and level, in memory and (as whole files) on disk. What it removes stays removed
     * after a restart.
     *
     * @throws IllegalArgumentException if {@code maxAge} is negative
     */
    @Override
    public long cleanup(Duration maxAge) {
        Objects.requireNonNull(maxAge, "maxAge");
        if (maxAge.isNegative()) {
            throw new IllegalArgumentException("maxAge must not be negative, was " + maxAge);
        }
        Instant now = clock.instant();
        Instant cutoff = now.minus(maxAge);
        long removed = ring.removeOlderThan(cutoff);
        expireReadPositions(now.minus(ages.longest())); // positions live as long as the longest retention
        FileCatalog files = catalog;
        if (files != null) {
            files.deleteExpired(now.toEpochMilli(), maxAge);
            if (maxAge.compareTo(ages.longest()) < 0) {
                rememberRemoval(cutoff, now);
            }
        }
        return removed;
    }

    /**
     * Removes what the configured retention says is past its age: messages whose timestamp is
     * older than the age of their service and level ({@link Builder#retention(RetentionPolicy)},
     * else {@code maxAge}), in memory, and files whose every line is. Runs every hour on its own;
     * the next start leaves the same messages out.
     *
     * @return how many messages were removed from memory
     */
    public long cleanup() {
        Instant now = clock.instant();
        long removed = ages.uniform() ? ring.removeOlderThan(now.minus(maxAge))
                : ring.removeIf(Long.MIN_VALUE, Long.MAX_VALUE, message -> ages.expired(message, now));
        expireReadPositions(now.minus(ages.longest()));
        FileCatalog files = catalog;
        if (files != null) {
            files.deleteExpired(now.toEpochMilli(), null);
        }
        return removed;
    }

    // A shorter age than the configured one removes lines from files that must stay for newer
    // lines: remember the removal, so that the next reload leaves those lines out.
    private synchronized void rememberRemoval(Instant cutoff, Instant now) {
        Removals updated = removals.with(cutoff, reservedIds.last(), now.minus(ages.longest()));
        try {
            updated.save(logDir);
            removals = updated;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot record a cleanup in " + logDir
                    + "; its lines come back at the next start: " + e);
        }
    }

    private void scheduledCleanup() {
        try {
            long removed = cleanup();
            LOG.log(System.Logger.Level.DEBUG, "scheduled cleanup removed " + removed + " messages");
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "scheduled cleanup failed", e);
        }
    }

    // ---- observability ------------------------------------------------------------------------

    @Override
    protected long storeDropped() {
        LogFileWriter fileWriter = writer;
        return ring.overrunDropped() + (fileWriter == null ? 0 : fileWriter.failedMessages());
    }

    @Override
    protected long storeSkipped() {
        return corruptLines;
    }

    /**
     * What the log files take on disk, and what compression, the disk budget and retention did to
     * them since {@link #initialize()}.
     *
     * @return a snapshot; all zero without file persistence or before {@code initialize()}
     */
    public StorageStatistics storageStatistics() {
        FileCatalog files = catalog;
        if (files == null) {
            return StorageStatistics.NONE;
        }
        FileCatalog.Usage usage = files.usage();
        FileCompressor fileCompressor = compressor;
        long[] compression = fileCompressor == null ? new long[4] : fileCompressor.counters();
        return new StorageStatistics(usage.files(), usage.compressedFiles(), usage.bytes(), compression[1],
                compression[2], compression[3], budgetDeletions.files(), budgetDeletions.bytes(),
                budgetDeletions.messages(), retentionDeletedFiles.get());
    }

    /** For tests: the catalog of files, null before start or without persistence. */
    FileCatalog catalog() {
        return catalog;
    }

    int indexedKeys() {
        return ring.indexedKeys();
    }

    /**
     * The configured ring capacity.
     *
     * @return how many messages are kept in memory at most
     */
    public int maxLogs() {
        return ring.capacity();
    }

    /**
     * Opens a reader of the stored messages after {@code afterId}, from the files, in id order:
     * every message still on disk, not only the newest {@code maxLogs} in memory. A message
     * becomes readable once it is forced to the device. Close the reader when done.
     *
     * @param afterId the id to read after, or null to read from the oldest stored message
     * @return a reader; one thread at a time may use it
     * @throws IllegalStateException if file persistence is off or the backend is not running
     * @throws IllegalArgumentException if {@code afterId} is not a log id
     */
    public StoreReader reader(String afterId) {
        FileCatalog files = catalog;
        if (!filePersistence) {
            throw new IllegalStateException("reading stored messages needs enableFilePersistence(true)");
        }
        if (files == null || !isRunning()) {
            throw new IllegalStateException("the backend is not running");
        }
        return readers.open(afterId == null ? 0 : LogId.sequence(afterId), files::viewsByClass);
    }

    /** Whether this backend writes its messages to files (and so can be read by {@link #reader}). */
    public boolean persistsToFiles() {
        return filePersistence;
    }

    /** The directory of the files (whether or not persistence is on). */
    public Path logDir() {
        return logDir;
    }

    /**
     * Runs {@code listener} each time more messages become readable through {@link #reader}:
     * after each flush of the files, on the thread that forced them. Keep it short (wake a
     * thread); it must not block.
     *
     * @param listener what to run
     */
    public void addStoredListener(Runnable listener) {
        readers.addListener(Objects.requireNonNull(listener, "listener"));
    }

    /** Stops running a listener added with {@link #addStoredListener}. */
    public void removeStoredListener(Runnable listener) {
        readers.removeListener(listener);
    }

    /**
     * The id of the newest message readable through {@link #reader}, or null if none is.
     *
     * @return an id such as {@code log-42}, or null
     */
    public String storedThrough() {
        long through = readers.forcedThrough();
        return through < 1 ? null : LogId.format(through);
    }

    @Override
    public String toString() {
        return "LocalLogBackend[maxLogs=" + ring.capacity() + ", maxAge=" + maxAge
                + (filePersistence ? ", logDir=" + logDir : ", memory only") + "]";
    }

    private final class WriterSource implements LogFileWriter.Source {
        @Override
        public long flushAfterLines() {
            // With durable reads every written message is held until it is forced (to publish it
            // then). Under a heavy stream a whole flush interval of them (a second at 200 000
            // lines/s: tens of megabytes) would sit beside the ring, so flush every half ring
            // instead: at most half a ring more in memory; the syncer coalesces the forces.
            return servesOnlyDurable() ? Math.max(1, ring.capacity() / 2) : Long.MAX_VALUE;
        }

        @Override
        public int drainTo(List<LogMessage> batch, int max) {
            return ring.drainUnwritten(batch, max);
        }

        @Override
        public void written(List<LogMessage> messages) {
            // Drained from the ring in position order, which is id order: the last is the highest.
            writtenThrough = Math.max(writtenThrough, LogId.trySequence(messages.get(messages.size() - 1).id()));
            durablyStored(messages);
        }

        @Override
        public Runnable flushed() {
            Runnable durable = onceForced(); // checkpoints of what was written so far, and what to publish
            long through = writtenThrough;
            return () -> {
                durable.run();
                readers.forced(through);
                reservedIds.extendIfDue();
            };
        }

        @Override
        public void afterBatch() {
            long dropped = storeDropped();
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
                log(systemMessage(text, LogLevel.WARN));
            }
        }
    }

    /** Configuration of a {@link LocalLogBackend}; every setting has the default named on it. */
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
        private ThreadFactory threadFactory;
        private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
        private boolean durableReads;
        private Duration overflowWait = DEFAULT_OVERFLOW_WAIT;
        private long maxTotalSize = DEFAULT_MAX_TOTAL_SIZE;
        private boolean compressRotatedFiles = DEFAULT_COMPRESS_ROTATED_FILES;
        private int compressionLevel = DEFAULT_COMPRESSION_LEVEL;
        private RetentionPolicy retention = RetentionPolicy.NONE;

        private Builder() {
        }

        /**
         * The disk budget: the most the log files (compressed or not, and the files being written)
         * may take together, in bytes. When they take more, whole files are deleted, first the
         * one retention would delete first (with a single {@code maxAge}, the oldest), like
         * Docker's {@code max-size} times {@code max-file}; their messages leave memory too, and
         * the deletion is reported as a {@code warn} system message. Between two checks the files
         * may grow by a quarter of {@link #maxFileSize(long) maxFileSize}, so the disk holds at most
         * the budget plus one file. Default {@link #DEFAULT_MAX_TOTAL_SIZE} (no budget).
         *
         * @param maxTotalSize bytes, at least twice {@code maxFileSize} (checked by {@link #build()})
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder maxTotalSize(long maxTotalSize) {
            if (maxTotalSize < 1) {
                throw new IllegalArgumentException("maxTotalSize must be >= 1, was " + maxTotalSize);
            }
            this.maxTotalSize = maxTotalSize;
            return this;
        }

        /**
         * Whether a file is gzip-compressed once the writer has moved on to the next one (to
         * {@code container-manager-<epoch-ms>.log.gz}, on a thread of its own; the file being
         * written stays plain). Default {@value LocalLogBackend#DEFAULT_COMPRESS_ROTATED_FILES}.
         *
         * @param compressRotatedFiles false to keep every file plain
         * @return this builder
         */
        public Builder compressRotatedFiles(boolean compressRotatedFiles) {
            this.compressRotatedFiles = compressRotatedFiles;
            return this;
        }

        /**
         * The deflate level of compressed files, from 1 (fastest) to 9 (smallest). Default
         * {@value LocalLogBackend#DEFAULT_COMPRESSION_LEVEL}; 6 (gzip's own default) makes files
         * a sixth to a half smaller for about twice the CPU.
         *
         * @param compressionLevel 1 to 9
         * @return this builder
         * @throws IllegalArgumentException if outside 1 to 9
         */
        public Builder compressionLevel(int compressionLevel) {
            if (compressionLevel < 1 || compressionLevel > 9) {
                throw new IllegalArgumentException("compressionLevel must be 1 to 9, was " + compressionLevel);
            }
            this.compressionLevel = compressionLevel;
            return this;
        }

        /**
         * Ages per service and per level, on top of {@link #maxAge(Duration) maxAge} (which stays
         * the age of everything the policy does not name): in memory, in the files (messages with
         * different ages go to different files, see the package documentation), and at the next
         * start. Default {@link RetentionPolicy#NONE}.
         *
         * @param retention the policy
         * @return this builder
         * @throws NullPointerException if null
         */
        public Builder retention(RetentionPolicy retention) {
            this.retention = Objects.requireNonNull(retention, "retention");
            return this;
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
            this.maxAge = SettingChecks.positive(maxAge, "maxAge");
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
         * operating system and forced to the device: the crash window. Default 1 second. The
         * writer also flushes early when no new line has come for 10 ms, at most ten times per
         * interval, so that the end of a burst is durable at once.
         *
         * @throws NullPointerException if null
         * @throws IllegalArgumentException if zero or negative
         */
        public Builder flushInterval(Duration flushInterval) {
            this.flushInterval = SettingChecks.positive(flushInterval, "flushInterval");
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
            this.cleanupInterval = SettingChecks.positive(cleanupInterval, "cleanupInterval");
            return this;
        }

        /**
         * Makes every thread of the backend (file writer, cleanup, subscribers), used as it is:
         * its threads are not renamed. Default: daemon threads named
         * {@code container-logging-local-<role>-N}.
         *
         * @param threadFactory the host's thread factory
         * @return this builder
         */
        public Builder threadFactory(ThreadFactory threadFactory) {
            this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
            return this;
        }

        /**
         * With persistence: how long {@code log()} waits, when half the ring holds lines the file
         * writer has not written yet, for the writer to catch up, rather than evict unwritten lines.
         * Default {@link #DEFAULT_OVERFLOW_WAIT}; zero never waits (the ring then drops unwritten
         * lines under a flood, counted in {@code statistics().dropped()}).
         *
         * @param overflowWait zero or a positive duration
         * @return this builder
         */
        public Builder overflowWait(Duration overflowWait) {
            this.overflowWait = SettingChecks.notNegative(overflowWait, "overflowWait");
            return this;
        }

        /**
         * How long {@link LocalLogBackend#close()} waits for the file writer to write what is
         * pending. Default {@link #DEFAULT_CLOSE_TIMEOUT}.
         *
         * @param closeTimeout a positive duration
         * @return this builder
         */
        public Builder closeTimeout(Duration closeTimeout) {
            this.closeTimeout = SettingChecks.positive(closeTimeout, "closeTimeout");
            return this;
        }

        /**
         * Whether queries and subscribers see a message only once it is on the device (written and
         * forced), rather than as soon as it is logged. Default false. Without file persistence it
         * has no effect.
         *
         * <p>Turn it on when clients resume by id (an SSE stream with {@code Last-Event-ID}, a
         * poller with {@code afterId}) and must see each line exactly once across a crash: a line
         * served before it was durable can be lost with the process or the machine, read from
         * Docker again and stored under a new id, so such a client would see it twice. The price
         * is latency: a message becomes visible at the next flush plus the time to force the file.
         * That is about 10 ms after a burst of lines ends (the writer flushes early once no new
         * line has come for 10 ms, at most ten times per interval), and at most
         * {@link #flushInterval(Duration) flushInterval} while lines keep coming.
         * {@link LocalLogBackend#flush()} makes the writer flush at once and waits for it.
         *
         * @param durableReads true to serve only durable messages
         * @return this builder
         */
        public Builder durableReads(boolean durableReads) {
            this.durableReads = durableReads;
            return this;
        }

        /**
         * The backend, not yet started.
         *
         * @return a new backend
         * @throws IllegalStateException if {@code maxTotalSize} is less than twice {@code maxFileSize}
         */
        public LocalLogBackend build() {
            if (maxTotalSize != Long.MAX_VALUE && maxTotalSize / 2 < maxFileSize) {
                throw new IllegalStateException("maxTotalSize (" + maxTotalSize + ") must be at least twice"
                        + " maxFileSize (" + maxFileSize + "): the file being written counts too");
            }
            return new LocalLogBackend(this);
        }
    }
}
