package io.containerlogging.local;

import io.containerlogging.core.LogMessage;
import io.containerlogging.core.internal.Utf8Buffer;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes stored messages to NDJSON files on one background thread, so that {@code log()} never
 * waits for encoding or the disk. The backend's ring is the hand-off buffer: the writer copies
 * batches of not yet written messages out of it ({@link Source#drainTo}), encodes them straight
 * to UTF-8 with {@link Utf8Buffer} and writes them through a 64 KiB buffer. The stream is flushed when at least
 * the flush interval has passed since the last flush and on {@link #close()}; never per message,
 * and never fsync'ed.
 *
 * <p>A new file is started when the next line would take the current one past the maximum size.
 * The thread is started by {@link #start()} and stopped by {@link #close()}, which writes what is
 * still pending first.
 */
final class LogFileWriter implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LogFileWriter.class.getName());

    /** Messages encoded per copy out of the ring. */
    static final int BATCH_SIZE = 1024;

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
    }

    private final Path dir;
    private final long maxFileSize;
    private final long flushIntervalNanos;
    private final Clock clock;
    private final Source source;
    private final Thread thread;
    private final int wakeThreshold;

    private final AtomicLong failedMessages = new AtomicLong();
    private volatile boolean stopping;
    private volatile boolean waiting;
    private final AtomicLong flushRequests = new AtomicLong();
    private long flushesServed; // writer thread only
    private volatile Path currentPath;

    // Confined to the writer thread once started (before that, to the thread calling open()).
    private OutputStream out;
    private FileChannel channel;
    private final List<Path> unsynced = new ArrayList<>(); // written, closed, not yet handed to the syncer
    private final FileSyncer syncer;
    private long currentSize;
    private long lastStartMillis;
    private boolean dirty;
    private final Utf8Buffer line = new Utf8Buffer(512);

    LogFileWriter(Path dir, long maxFileSize, Duration flushInterval, Clock clock, ThreadFactory threadFactory,
            Source source, int ringCapacity) {
        this.dir = dir;
        this.maxFileSize = maxFileSize;
        this.flushIntervalNanos = flushInterval.toNanos();
        this.clock = clock;
        this.source = source;
        // Wake the writer early once a quarter of the ring (at most a batch) is waiting, so a
        // burst does not overrun the ring while the writer sleeps out its flush interval.
        this.wakeThreshold = Math.max(1, Math.min(BATCH_SIZE, ringCapacity / 4));
        this.thread = threadFactory.newThread(this::run);
        this.syncer = new FileSyncer(threadFactory);
    }

    /**
     * Starts a new file after every existing one, proving the directory writable.
     *
     * @param newestExistingMillis the highest start time among existing files, or 0
     */
    void open(long newestExistingMillis) throws IOException {
        lastStartMillis = newestExistingMillis;
        startFile();
    }

    void start() {
        syncer.start();
        thread.start();
    }

    /** The file being written, or null between a failure and the next attempt. */
    Path currentFile() {
        return currentPath;
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

    /**
     * Deletes every log file but the current one whose successor was started at or before
     * {@code cutoff}: its last line was written before then. The current file is never deleted.
     *
     * @return how many files were deleted
     */
    int deleteFilesOlderThan(Instant cutoff) {
        int deleted = 0;
        try {
            List<LogFiles.LogFile> files = LogFiles.list(dir);
            Path current = currentPath;
            for (int i = 0; i < files.size() - 1; i++) {
                LogFiles.LogFile file = files.get(i);
                if (!file.path().equals(current) && files.get(i + 1).startMillis() <= cutoff.toEpochMilli()) {
                    if (Files.deleteIfExists(file.path())) {
                        deleted++;
                    }
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete expired log files in " + dir + ": " + e);
        }
        return deleted;
    }

    private void run() {
        List<LogMessage> batch = new ArrayList<>(BATCH_SIZE);
        long lastFlush = System.nanoTime() - flushIntervalNanos;
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
                }
                // A requested flush waits until the ring is drained (a short batch), so it covers it all.
                boolean requested = requests != flushesServed && drained < BATCH_SIZE;
                if (requested) {
                    flushesServed = requests;
                }
                if (dirty && (requested || System.nanoTime() - lastFlush >= flushIntervalNanos)) {
                    flush();
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
            long sleep = dirty ? Math.max(1, flushIntervalNanos - (System.nanoTime() - lastFlush)) : flushIntervalNanos;
            if (!stopping) {
                LockSupport.parkNanos(this, sleep);
            }
            waiting = false;
        }
        closeFile();
        requestSync(); // force the last lines, then save the checkpoints that cover them
    }

    /** Writes the batch to the buffer; returns how many of its messages were written. */
    private int write(List<LogMessage> batch) {
        for (int i = 0; i < batch.size(); i++) {
            LogMessage message = batch.get(i);
            try {
                line.reset();
                line.write(message).append((byte) '\n');
                long bytes = line.size();
                if (out == null) {
                    startFile();
                } else if (currentSize > 0 && currentSize + bytes > maxFileSize) {
                    closeFile();
                    startFile();
                }
                line.writeTo(out);
                currentSize += bytes;
                dirty = true;
            } catch (IOException e) {
                int lost = batch.size() - i;
                failedMessages.addAndGet(lost);
                LOG.log(System.Logger.Level.WARNING, "cannot write log file in " + dir + "; " + lost
                        + " messages lost: " + e);
                closeFile();
                return i;
            }
        }
        return batch.size();
    }

    private void startFile() throws IOException {
        LogFiles.LogFile file = LogFiles.createFile(dir, Math.max(clock.millis(), lastStartMillis + 1));
        lastStartMillis = file.startMillis();
        channel = FileChannel.open(file.path(), StandardOpenOption.WRITE, StandardOpenOption.APPEND,
                java.nio.file.LinkOption.NOFOLLOW_LINKS);
        out = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
        currentSize = 0;
        currentPath = file.path();
    }

    private void flush() {
        if (out != null) {
            try {
                out.flush();
                dirty = false;
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot flush log file " + currentPath + ": " + e);
                closeFile();
                return;
            }
        }
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
        if (currentPath != null) {
            written.add(currentPath);
        }
        syncer.request(written, checkpoint);
    }

    private void closeFile() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot close log file " + currentPath + ": " + e);
            }
            unsynced.add(currentPath); // forced by the syncer at the next flush
            out = null;
            dirty = false;
            currentPath = null;
        }
    }

    /**
     * Stops the thread after it has written everything pending, flushed and closed the file;
     * waits up to {@code timeout}. Before {@link #start()} only closes the file.
     */
    void close(Duration timeout) {
        stopping = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        if (thread.getState() == Thread.State.NEW) {
            closeFile();
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
