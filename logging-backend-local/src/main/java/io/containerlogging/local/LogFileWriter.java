package io.containerlogging.local;

import io.containerlogging.core.LogId;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.internal.Utf8Buffer;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes stored messages to NDJSON files on one background thread, so that {@code log()} never
 * waits for encoding or the disk. The backend's ring is the hand-off buffer: the writer copies
 * batches of not yet written messages out of it ({@link Source#drainTo}), encodes them straight
 * to UTF-8 with {@link Utf8Buffer} and writes them through a 64 KiB buffer. The stream is flushed
 * (and then forced to the device by the {@link FileSyncer}) at the latest a flush interval after
 * the last flush, on request and on {@link #close()}, never per message; and early, once the ring
 * has been quiet for {@link #QUIET_NANOS} and a tenth of the interval has passed since the last
 * flush; and once {@link Source#flushAfterLines()} lines wait for it. The early flush is what makes the end of a burst durable (and so visible, with durable
 * reads) within tens of milliseconds instead of up to a whole interval, while a steady stream
 * still costs one force per interval and a trickle at most ten.
 *
 * <p>A new file is started when the next line would take the current one past the maximum size.
 * The thread is started by {@link #start()} and stopped by {@link #close()}, which writes what is
 * still pending first.
 */
final class LogFileWriter implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LogFileWriter.class.getName());

    /** Messages encoded per copy out of the ring. */
    static final int BATCH_SIZE = 1024;

    /** How long the ring must stay empty before an early flush: longer than the gaps inside a burst. */
    static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /** Where the writer gets its messages; implemented by the backend. */
    interface Source {
        /**
         * Copies up to {@code max} messages that were stored but not yet handed to the writer, in
         * id order, into {@code batch}; marks them handed over.
         *
         * @return how many were copied
         */
        int drainTo(List<LogMessage> batch, int max);

        /**
         * Called on the writer thread after every batch, also when it is not catching up (e.g.
         * to report drops); must be cheap.
         */
        void afterBatch();

        /**
         * Called on the writer thread with the messages of a batch that were written to the
         * file's buffer (all of them unless writing failed); they are durable after the next
         * {@link #flushed()}.
         */
        void written(List<LogMessage> messages);

        /**
         * Called on the writer thread after the file was flushed to the operating system: returns
         * what to run once everything passed to {@link #written} so far is forced to the device
         * (saving the read checkpoints those lines cover). It runs on the syncer's thread.
         */
        Runnable flushed();

        /**
         * How many written lines may wait for a flush before the writer flushes anyway: a
         * backend that holds written messages in memory until they are forced (to publish them
         * then) bounds that memory with it. By default only the flush interval counts.
         */
        default long flushAfterLines() {
            return Long.MAX_VALUE;
        }
    }

    private final Path dir;
    private final long maxFileSize;
    private final long flushIntervalNanos;
    private final Clock clock;
    private final Source source;
    private final Thread thread;
    private final int wakeThreshold;
    private final FileCatalog catalog;
    private final Function<LogMessage, FileCatalog.FileClass> classifier;
    private final FileCatalog.FileClass defaultClass;
    private final FileCompressor compressor; // null: files stay plain
    private final long budgetStep; // Long.MAX_VALUE without a budget

    private final AtomicLong failedMessages = new AtomicLong();
    private volatile boolean stopping;
    private volatile boolean waiting;
    private final AtomicLong flushRequests = new AtomicLong();
    private long flushesServed; // writer thread only

    // Confined to the writer thread once started (before that, to the thread calling open()).
    private final Map<FileCatalog.FileClass, OpenFile> open = new HashMap<>();
    private final List<Path> unsynced = new ArrayList<>(); // written, closed, not yet handed to the syncer
    private final FileSyncer syncer;
    private long lastStartMillis;
    private long bytesSinceBudget;
    private boolean dirty;
    private final Utf8Buffer line = new Utf8Buffer(512);

    /** The file being written for one retention class. Writer thread only. */
    private static final class OpenFile {
        final FileCatalog.Entry entry;
        final FileChannel channel;
        final OutputStream out;
        long size;
        long firstSequence = -1;
        long lastSequence = -1;
        long lines;

        OpenFile(FileCatalog.Entry entry, FileChannel channel) {
            this.entry = entry;
            this.channel = channel;
            this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
        }
    }

    LogFileWriter(Path dir, long maxFileSize, Duration flushInterval, Clock clock, ThreadFactory threadFactory,
            Source source, int ringCapacity, FileCatalog catalog, Function<LogMessage, FileCatalog.FileClass> classifier,
            FileCatalog.FileClass defaultClass, FileCompressor compressor, long maxTotalSize) {
        this.dir = dir;
        this.maxFileSize = maxFileSize;
        this.flushIntervalNanos = flushInterval.toNanos();
        this.clock = clock;
        this.source = source;
        this.catalog = catalog;
        this.classifier = classifier;
        this.defaultClass = defaultClass;
        this.compressor = compressor;
        // Check the budget four times per file: the files being written then never grow more
        // than a quarter of a file past it between two checks.
        this.budgetStep = maxTotalSize == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(1, maxFileSize / 4);
        // Wake the writer early once a quarter of the ring (at most a batch) is waiting, so a
        // burst does not overrun the ring while the writer sleeps out its flush interval.
        this.wakeThreshold = Math.max(1, Math.min(BATCH_SIZE, ringCapacity / 4));
        this.thread = threadFactory.newThread(this::run);
        this.syncer = new FileSyncer(threadFactory);
    }

    /**
     * Starts a new file of the default class after every existing one, proving the directory
     * writable.
     *
     * @param newestExistingMillis the highest start time among existing files, or 0
     */
    void open(long newestExistingMillis) throws IOException {
        lastStartMillis = newestExistingMillis;
        startFile(defaultClass);
    }

    void start() {
        syncer.start();
        thread.start();
    }

    /** Messages lost because writing them failed. */
    long failedMessages() {
        return failedMessages.get();
    }

    /** Called by {@code log()} with the number of messages waiting; wakes the writer for a burst. */
    void nudge(long waitingMessages) {
        if (waiting && waitingMessages >= wakeThreshold) {
            LockSupport.unpark(thread);
        }
    }

    /** Makes the writer write and flush what is pending now, rather than at the next flush interval. */
    void flushSoon() {
        flushRequests.incrementAndGet();
        LockSupport.unpark(thread);
    }

    private void run() {
        List<LogMessage> batch = new ArrayList<>(BATCH_SIZE);
        long lastFlush = System.nanoTime() - flushIntervalNanos;
        long lastWrite = lastFlush;
        long earlyGapNanos = flushIntervalNanos / 10;
        long flushAfterLines = source.flushAfterLines();
        long linesSinceFlush = 0;
        while (true) {
            boolean stop = stopping; // read before draining: after close() sets it, nothing new arrives
            long requests = flushRequests.get(); // likewise: what was logged before a request is drained now
            int drained;
            try {
                batch.clear();
                drained = source.drainTo(batch, BATCH_SIZE);
                int written = write(batch);
                if (written > 0) {
                    source.written(written == batch.size() ? batch : batch.subList(0, written));
                    lastWrite = System.nanoTime();
                    linesSinceFlush += written;
                }
                closeAged();
                // A requested flush waits until the ring is drained (a short batch), so it covers it all.
                boolean requested = requests != flushesServed && drained < BATCH_SIZE;
                if (requested) {
                    flushesServed = requests;
                }
                long now = System.nanoTime();
                boolean quiet = drained == 0 && now - lastWrite >= QUIET_NANOS && now - lastFlush >= earlyGapNanos;
                boolean many = linesSinceFlush >= flushAfterLines;
                if (dirty && (requested || quiet || many || now - lastFlush >= flushIntervalNanos)) {
                    flush();
                    linesSinceFlush = 0;
                    lastFlush = System.nanoTime();
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "log file writer failed; continuing", e);
                drained = 0;
            }
            if (!stop) {
                try {
                    source.afterBatch();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "log file writer callback failed", e);
                }
            }
            if (drained == BATCH_SIZE || flushRequests.get() != flushesServed) {
                continue;
            }
            if (stop) {
                break;
            }
            waiting = true;
            long sleep = flushIntervalNanos;
            if (dirty) { // until the interval is up, or until the earliest moment an early flush may come
                long now = System.nanoTime();
                long early = Math.max(lastWrite + QUIET_NANOS, lastFlush + earlyGapNanos);
                sleep = Math.max(1, Math.min(lastFlush + flushIntervalNanos, early) - now);
            }
            if (!stopping) {
                LockSupport.parkNanos(this, sleep);
            }
            waiting = false;
        }
        closeAll();
        requestSync(); // force the last lines, then save the checkpoints that cover them
    }

    /** Writes the batch to the buffers; returns how many of its messages were written. */
    private int write(List<LogMessage> batch) {
        for (int i = 0; i < batch.size(); i++) {
            LogMessage message = batch.get(i);
            OpenFile file = null;
            try {
                FileCatalog.FileClass fileClass = classifier.apply(message);
                file = open.get(fileClass);
                line.reset();
                line.write(message).append((byte) '\n');
                long bytes = line.size();
                if (file == null) {
                    file = startFile(fileClass);
                } else if (file.size > 0 && file.size + bytes > maxFileSize) {
                    closeFile(file);
                    catalog.enforceBudget();
                    file = startFile(fileClass);
                }
                line.writeTo(file.out);
                file.size += bytes;
                file.lines++;
                long sequence = LogId.trySequence(message.id());
                if (file.firstSequence < 0) {
                    file.firstSequence = sequence;
                }
                file.lastSequence = sequence;
                dirty = true;
                bytesSinceBudget += bytes;
                if (bytesSinceBudget >= budgetStep) {
                    bytesSinceBudget = 0;
                    publishSizes();
                    catalog.enforceBudget();
                }
            } catch (IOException e) {
                int lost = batch.size() - i;
                failedMessages.addAndGet(lost);
                LOG.log(System.Logger.Level.WARNING, "cannot write log file in " + dir + "; " + lost
                        + " messages lost: " + e);
                if (file != null) {
                    closeFile(file);
                }
                publishSizes();
                return i;
            }
        }
        publishSizes();
        return batch.size();
    }

    private void publishSizes() {
        for (OpenFile file : open.values()) {
            file.entry.size = file.size;
        }
    }

    private OpenFile startFile(FileCatalog.FileClass fileClass) throws IOException {
        Path classDir = fileClass.dir(dir);
        if (!classDir.equals(dir)) {
            LogFiles.createDirectory(classDir);
        }
        LogFiles.LogFile created = LogFiles.createFile(classDir, Math.max(clock.millis(), lastStartMillis + 1));
        lastStartMillis = created.startMillis();
        FileChannel channel = FileChannel.open(created.path(), StandardOpenOption.WRITE, StandardOpenOption.APPEND,
                java.nio.file.LinkOption.NOFOLLOW_LINKS);
        OpenFile file = new OpenFile(catalog.added(fileClass, created.path(), created.startMillis()), channel);
        open.put(fileClass, file);
        return file;
    }

    // A class that gets no new lines would keep its file open, so never deleted: close a file once
    // it is as old as its class's age, so that it goes one age after its last line.
    private void closeAged() {
        if (open.isEmpty()) {
            return;
        }
        long now = clock.millis();
        List<OpenFile> aged = null;
        for (OpenFile file : open.values()) {
            if (file.lines > 0 && now - file.entry.startMillis >= file.entry.fileClass.maxAge().toMillis()) {
                aged = aged == null ? new ArrayList<>() : aged;
                aged.add(file);
            }
        }
        if (aged != null) {
            aged.forEach(this::closeFile);
        }
    }

    private void flush() {
        for (OpenFile file : new ArrayList<>(open.values())) {
            try {
                file.out.flush();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot flush log file " + file.entry.path + ": " + e);
                closeFile(file);
            }
        }
        dirty = false;
        requestSync();
    }

    // The syncer forces what was written so far to the device, then saves the checkpoints taken
    // now: a checkpoint never runs ahead of the lines on the device.
    private void requestSync() {
        Runnable checkpoint;
        try {
            checkpoint = source.flushed();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "log file writer callback failed", e);
            return;
        }
        List<Path> written = new ArrayList<>(unsynced);
        unsynced.clear();
        for (OpenFile file : open.values()) {
            written.add(file.entry.path);
        }
        syncer.request(written, checkpoint);
    }

    private void closeFile(OpenFile file) {
        open.remove(file.entry.fileClass);
        try {
            file.out.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot close log file " + file.entry.path + ": " + e);
        }
        unsynced.add(file.entry.path); // forced by the syncer at the next flush
        long now = clock.millis();
        try {
            // Tells the next run when its last line was written, by the backend's clock.
            java.nio.file.Files.setLastModifiedTime(file.entry.path, java.nio.file.attribute.FileTime.fromMillis(now));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot set the time of " + file.entry.path + ": " + e);
        }
        catalog.closed(file.entry, now, file.size, file.firstSequence, file.lastSequence, file.lines);
        if (compressor != null && file.lines > 0) {
            compressor.submit(file.entry);
        }
    }

    private void closeAll() {
        for (OpenFile file : new ArrayList<>(open.values())) {
            closeFile(file);
        }
        dirty = false;
    }

    /**
     * Stops the thread after it has written everything pending, flushed and closed the file;
     * waits up to {@code timeout}. Before {@link #start()} only closes the file.
     */
    void close(Duration timeout) {
        stopping = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        if (thread.getState() == Thread.State.NEW) {
            closeAll();
            syncer.close(timeout);
            return;
        }
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.NANOSECONDS.toMillis(timeout.toNanos()) + 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            // A hung disk: give up on what is pending rather than leave the thread running.
            // Interrupting closes its (interruptible) file channel.
            LOG.log(System.Logger.Level.WARNING, "log file writer did not finish within " + timeout
                    + "; interrupting it, pending lines are lost");
            thread.interrupt();
        }
        syncer.close(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
