package io.containerlogging.local;

import io.containerlogging.core.LogId;
import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.forward.StoredMessage;
import io.containerlogging.core.internal.LogLineDecoder;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Reads what a {@link LocalLogBackend} has stored, from its files, in id order, from a position
 * on: the source of a forwarder, and of anything else that must see every stored message rather
 * than the newest ones in memory. Obtain one with {@link LocalLogBackend#reader(String)}.
 *
 * <p>Only messages already forced to the device are returned, so a message read here is never
 * lost by a crash of this process. Files of every retention class are merged by id. A file that
 * retention or the disk budget deletes before the reader reaches it is counted in
 * {@link #missed()}; a file the reader has open is read to its end even if deleted meanwhile.
 * Corrupt lines are skipped and counted.
 *
 * <p>Holds at most one open file per retention class. One thread at a time may call
 * {@link #next(int)}; {@link #missed()} and {@link #position()} may be read from any thread.
 */
public final class StoreReader implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(StoreReader.class.getName());

    private final LongSupplier forcedThrough;
    private final Supplier<Map<FileCatalog.FileClass, List<FileCatalog.FileView>>> files;
    private final Runnable onClose;
    private final Map<FileCatalog.FileClass, ClassCursor> cursors = new HashMap<>(); // guarded by this
    private final long startSequence; // the position the reader was opened at
    private long position; // guarded by this: the sequence of the last message returned
    // Written under this object's lock; volatile so that missed() and missedFiles() need not take
    // it: the forwarder asks after every batch, and waited (measured: up to a fifth of its time)
    // while the reading thread held the lock for a whole read.
    private volatile long missed;
    private volatile long missedFiles;
    private long corruptLines; // guarded by this
    private boolean closed; // guarded by this

    StoreReader(long afterSequence, LongSupplier forcedThrough,
            Supplier<Map<FileCatalog.FileClass, List<FileCatalog.FileView>>> files, Runnable onClose) {
        this.position = afterSequence;
        this.startSequence = afterSequence;
        this.forcedThrough = forcedThrough;
        this.files = files;
        this.onClose = onClose;
    }

    /**
     * Up to {@code max} stored messages after the last one returned (or after the position the
     * reader was opened at), in id order; empty when there is nothing more for now.
     *
     * @param max at least 1
     * @return the messages; never null
     * @throws IllegalStateException if the reader is closed
     */
    public synchronized List<LogMessage> next(int max) {
        List<LogMessage> batch = new ArrayList<>(Math.min(max, 1024));
        read(max, false, head -> batch.add(head instanceof StoredMessage ? ((StoredMessage) head).message()
                : (LogMessage) head));
        return batch;
    }

    /**
     * Like {@link #next(int)}, but each message as its stored JSON, not decoded: what a forwarder
     * whose sink sends our JSON reads (about half the cost of {@link #next(int)}: no UTF-8 and JSON
     * decoding). A line in the form the backend writes is kept as it is; any other line that is a
     * message is decoded and encoded again (see {@link StoredMessage#fromStoredLine}).
     *
     * @param max at least 1
     * @return the messages; never null
     * @throws IllegalStateException if the reader is closed
     */
    public synchronized List<StoredMessage> nextStored(int max) {
        List<StoredMessage> batch = new ArrayList<>(Math.min(max, 1024));
        read(max, true, head -> batch.add(head instanceof StoredMessage ? (StoredMessage) head
                : StoredMessage.of((LogMessage) head)));
        return batch;
    }

    /** Hands up to {@code max} heads to {@code out}, each a LogMessage or (raw) a StoredMessage. */
    private void read(int max, boolean raw, Consumer<Object> out) {
        if (closed) {
            throw new IllegalStateException("reader closed");
        }
        if (max < 1) {
            throw new IllegalArgumentException("max must be >= 1, was " + max);
        }
        // The watermark first, the files second: every line at or below the watermark is then
        // complete in a file this view lists, so a class at its end holds none of them.
        long through = forcedThrough.getAsLong();
        Map<FileCatalog.FileClass, List<FileCatalog.FileView>> now = files.get();
        now.keySet().forEach(fileClass -> cursors.computeIfAbsent(fileClass, ClassCursor::new));
        int count = 0;
        read:
        while (count < max) {
            ClassCursor lowest = null;
            for (ClassCursor cursor : cursors.values()) {
                if (cursor.head == null) {
                    cursor.fill(now.getOrDefault(cursor.fileClass, List.of()), raw);
                    if (cursor.blocked) {
                        // A file moved (compressed) or went since the view: other classes' lines
                        // may not pass this one's. Look again at the next call.
                        cursor.blocked = false;
                        break read;
                    }
                }
                if (cursor.head != null && (lowest == null || cursor.headSequence < lowest.headSequence)) {
                    lowest = cursor;
                }
            }
            if (lowest == null || lowest.headSequence > through) {
                break;
            }
            out.accept(lowest.head);
            count++;
            position = lowest.headSequence;
            lowest.head = null;
        }
    }

    /** The id of the last message returned, or null if none was returned and the reader started at the beginning. */
    public synchronized String position() {
        return position < 1 ? null : LogId.format(position);
    }

    /**
     * Messages deleted (by retention or the disk budget) before this reader reached them. Files
     * whose line count was unknown when they were deleted are counted in {@link #missedFiles()}.
     */
    public long missed() {
        return missed;
    }

    /** Files deleted before this reader reached them whose line count was not known. */
    public long missedFiles() {
        return missedFiles;
    }

    /** Lines skipped because they were not a stored message (torn by a crash, or damaged). */
    public synchronized long corruptLines() {
        return corruptLines;
    }

    /** Closes the open files. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            cursors.values().forEach(ClassCursor::closeFile);
        }
        onClose.run();
    }

    /** Told by the backend that {@code entry} is deleted; counts it if this reader had not read it yet. */
    synchronized void deleted(FileCatalog.Entry entry) {
        ClassCursor cursor = cursors.get(entry.fileClass);
        // Read (or known to be read) only if this reader opened it: a file whose deletion is
        // still on its way to this call is already missing from the catalog's views, so the
        // reader may have gone past it without reading it.
        boolean reached = cursor != null && cursor.handled.remove(entry.startMillis);
        // Before where this reader started: never its to read. (Not "before its position": the
        // position may have passed a file that left the views before it could be read.)
        boolean older = entry.lastSequence >= 0 && entry.lastSequence <= startSequence;
        if (reached || older || closed) {
            return;
        }
        if (entry.lines >= 0) {
            missed += entry.lines;
        } else {
            missedFiles++;
        }
    }

    /** The reader of one retention class's files, oldest first. */
    private final class ClassCursor {
        final FileCatalog.FileClass fileClass;
        long openedStart = -1; // start time of the file opened last: later files come next
        final java.util.Set<Long> handled = new java.util.HashSet<>(); // files opened, or read before by their range
        FileCatalog.FileView file;
        GrowingFileLines lines;
        Object head; // the next message after the position: a LogMessage, or a StoredMessage when read raw
        long headSequence;
        boolean blocked; // a file of the view could not be opened: the view is out of date
        final LogLineDecoder decoder = new LogLineDecoder(); // its tables of repeated values are bounded

        ClassCursor(FileCatalog.FileClass fileClass) {
            this.fileClass = fileClass;
        }

        /** Reads up to the next message after the position, if there is one now. */
        void fill(List<FileCatalog.FileView> views, boolean raw) {
            while (head == null) {
                if (file == null && !openNext(views)) {
                    return;
                }
                boolean complete;
                try {
                    complete = lines.nextLine();
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "skipping the rest of log file " + file.path() + ": " + e);
                    corruptLines++;
                    closeFile();
                    continue;
                }
                if (!complete) {
                    FileCatalog.FileView now = current(views);
                    if (now != null && now.current()) {
                        return; // being written: more comes later
                    }
                    if (lines.partial()) {
                        corruptLines++; // torn by a crash, or a compressed file cut short
                    }
                    closeFile();
                    continue;
                }
                if (lines.lineTooLong()) {
                    corruptLines++;
                } else if (raw) {
                    acceptStored(lines.lineBytes(), lines.lineStart(), lines.lineEnd());
                } else if (!acceptCommon(lines.lineBytes(), lines.lineStart(), lines.lineEnd())) {
                    accept(new String(lines.lineBytes(), lines.lineStart(), lines.lineEnd() - lines.lineStart(),
                            StandardCharsets.UTF_8)); // malformed bytes replaced
                }
            }
        }

        /** A line kept as its bytes, decoded only if it is not in the form the backend writes. */
        private void acceptStored(byte[] bytes, int from, int to) {
            if (blank(bytes, from, to)) {
                return;
            }
            StoredMessage message;
            try {
                message = StoredMessage.fromStoredLine(bytes, from, to - from);
            } catch (RuntimeException e) {
                corruptLines++; // untrusted: anything that is not a stored message
                return;
            }
            if (message.sequence() > position) {
                head = message;
                headSequence = message.sequence();
            }
        }

        /**
         * A line in the common form the writer produces (no fields, a canonical id), decoded
         * straight from its bytes: twice as fast as through a String, and the reading a forwarder
         * to a sink that needs messages (syslog, OpenSearch) pays per line. False for any other
         * line, which {@link #accept(String)} then decodes as before.
         */
        private boolean acceptCommon(byte[] bytes, int from, int to) {
            int end = decoder.decode(bytes, from, to);
            if (end < 0 || !blank(bytes, end, to)) {
                return false;
            }
            long sequence = decoder.sequence();
            if (sequence > position) {
                head = new LogMessage(LogId.format(sequence), decoder.text(),
                        Instant.ofEpochSecond(decoder.epochSecond(), decoder.nano()), decoder.level(), decoder.source(),
                        decoder.serviceId(), decoder.serviceName(), decoder.containerId(), decoder.isStdErr(),
                        decoder.isSystem(), decoder.deviceId(), decoder.levelSource(), null);
                headSequence = sequence;
            }
            return true;
        }

        private void accept(String line) {
            if (line.isBlank()) {
                return;
            }
            LogMessage message;
            try {
                message = LogJson.fromJson(line);
            } catch (RuntimeException e) {
                corruptLines++;
                return;
            }
            long sequence = LogId.trySequence(message.id());
            if (sequence < 1) {
                corruptLines++;
            } else if (sequence > position) {
                head = message;
                headSequence = sequence;
            }
        }

        private boolean blank(byte[] bytes, int from, int to) {
            for (int i = from; i < to; i++) {
                if (!Character.isWhitespace(bytes[i])) {
                    return false; // (a non-ASCII byte too: String.isBlank would decode it first)
                }
            }
            return true;
        }

        /** This class's view of the file being read, as the catalog has it now. */
        private FileCatalog.FileView current(List<FileCatalog.FileView> views) {
            for (FileCatalog.FileView view : views) {
                if (view.startMillis() == file.startMillis()) {
                    return view;
                }
            }
            return null; // deleted: read to its end through the open file
        }

        private boolean openNext(List<FileCatalog.FileView> views) {
            for (FileCatalog.FileView view : views) {
                if (view.startMillis() <= openedStart) {
                    continue;
                }
                openedStart = view.startMillis();
                if (view.lastSequence() >= 0 && view.lastSequence() <= position) {
                    handled.add(view.startMillis());
                    continue; // read before, by its known range
                }
                try {
                    lines = view.compressed()
                            ? new GrowingFileLines(Channels.newChannel(LogFiles.open(
                                    new LogFiles.LogFile(view.path(), view.startMillis(), true))),
                                    LogFiles.LineReader.MAX_LINE_CHARS)
                            : new GrowingFileLines(view.path(), LogFiles.LineReader.MAX_LINE_CHARS);
                    file = view;
                    handled.add(view.startMillis());
                    return true;
                } catch (NoSuchFileException e) {
                    // Compressed or deleted since the view: look again at the next call.
                    openedStart = view.startMillis() - 1;
                    blocked = true;
                    return false;
                } catch (IOException | RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "cannot read log file " + view.path() + ": " + e);
                    missedFiles++;
                }
            }
            return false;
        }

        void closeFile() {
            try {
                if (lines != null) {
                    lines.close();
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "cannot close " + file.path() + ": " + e);
            }
            lines = null;
            file = null;
        }
    }
}
