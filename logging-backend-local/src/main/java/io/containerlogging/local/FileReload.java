package io.containerlogging.local;

import io.containerlogging.core.LevelSource;
import io.containerlogging.core.LogFields;
import io.containerlogging.core.LogId;
import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.internal.LogLineDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Reads the newest messages back from the log files at start ({@link #reload}), into the columns
 * the ring keeps ({@link ReloadedColumns}): the lines are decoded from their bytes
 * ({@link LogLineDecoder}), each distinct {@link MessageShape} is made once per file, and the files
 * are read in parallel, newest first, on up to {@link #MAX_THREADS} threads (they are independent;
 * their results are taken in order, so the outcome is what one thread reading them one by one
 * would get).
 *
 * <p>Stateless; {@link #reload} may be called from any thread.
 */
final class FileReload {

    private static final System.Logger LOG = System.getLogger(FileReload.class.getName());
    /** Threads reading files at once: more than two gained nothing on the 2-core machine measured. */
    static final int MAX_THREADS = 2;
    private static final int BUFFER_BYTES = 1 << 20;

    /**
     * What {@link #reload} found: the newest messages, the highest id sequence, the lines skipped
     * (corrupt lines, and one per compressed file cut short or corrupt), and the ranges of the files
     * read whole.
     */
    record Reloaded(ReloadedColumns columns, long highestSequence, long corruptLines, Map<Path, LogFiles.FileRange> ranges) {

        /** The messages, built (for tests and tools; the backend takes the columns). */
        List<LogMessage> messages() {
            List<LogMessage> messages = new ArrayList<>(columns.size());
            for (int i = 0; i < columns.size(); i++) {
                messages.add(columns.message(i));
            }
            return messages;
        }
    }

    private FileReload() {
    }

    /**
     * Reads the newest messages back: in each class of files (one list per retention class, each
     * oldest first), files newest first until {@code maxMessages} messages not expired are found; a
     * message is expired if its timestamp is before what {@code oldestKept} gives for it (which
     * must depend only on the fields a {@link MessageShape} holds, e.g. service and level). Never
     * fails because of content: a line that is not a message with a {@code log-N} id (a torn last
     * line, garbage) is skipped and counted; a compressed file cut short or corrupt gives the lines
     * before the damage and counts as one skipped line; a file that cannot be read is skipped and
     * logged.
     *
     * <p>Also replays, to {@code replay}, every message with an id above {@code replayAfter}, reading
     * older files as long as they may hold one, even past {@code maxMessages} and including expired
     * and removed messages (the read checkpoints must cover everything in the files). Messages that
     * {@code removals} says a cleanup removed are not returned.
     *
     * @return at most {@code maxMessages} messages in id order (the newest), the highest id seen
     *     in any line read (even an expired one), the number of lines skipped, and the id range of
     *     every file read whole
     */
    static Reloaded reload(List<List<LogFiles.LogFile>> classes, int maxMessages,
            Function<LogMessage, Instant> oldestKept, Removals removals, long replayAfter,
            Consumer<LogMessage> replay, ThreadFactory threads) {
        int threadCount = Math.max(1, Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = threadCount > 1 ? Executors.newFixedThreadPool(threadCount, threads) : null;
        try {
            long highest = 0;
            long corrupt = 0;
            Map<Path, LogFiles.FileRange> ranges = new HashMap<>();
            List<ReloadedColumns> kept = new ArrayList<>();
            for (List<LogFiles.LogFile> files : classes) {
                // One part per file, newest file first; each in file order (which is id order
                // unless the files were edited by hand).
                List<ReloadedColumns> perFile = new ArrayList<>();
                ArrayDeque<Future<FileResult>> reading = new ArrayDeque<>();
                int nextFile = files.size() - 1;
                int foundCount = 0;
                boolean olderMayReplay = true;
                while (true) {
                    // Read ahead: the next files start while this one is taken; a file read that
                    // turns out not to be needed is dropped unused.
                    while (nextFile >= 0 && reading.size() < threadCount && (foundCount < maxMessages || olderMayReplay)) {
                        LogFiles.LogFile file = files.get(nextFile--);
                        FileReader task = new FileReader(file, oldestKept, removals, replayAfter);
                        reading.add(pool == null ? completed(task.call()) : pool.submit(task));
                    }
                    if (reading.isEmpty() || !(foundCount < maxMessages || olderMayReplay)) {
                        break;
                    }
                    FileResult result = join(reading.poll());
                    if (foundCount >= maxMessages) {
                        result.found = new ReloadedColumns(0); // as if read without keeping anything
                    }
                    result.replayed.forEach(replay);
                    perFile.add(result.found);
                    foundCount += result.found.size();
                    highest = Math.max(highest, result.highest);
                    corrupt += result.corrupt;
                    if (result.range != null) {
                        ranges.put(result.path, result.range);
                    }
                    // Files hold increasing ids: once a file starts at or below replayAfter, older
                    // ones hold nothing to replay.
                    olderMayReplay = result.lowest > replayAfter;
                }
                reading.forEach(future -> future.cancel(true));
                for (int i = perFile.size() - 1; i >= 0; i--) {
                    kept.add(perFile.get(i));
                }
            }
            return new Reloaded(ReloadedColumns.newest(kept, maxMessages), highest, corrupt, ranges);
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
    }

    private static Future<FileResult> completed(FileResult result) {
        java.util.concurrent.CompletableFuture<FileResult> done = new java.util.concurrent.CompletableFuture<>();
        done.complete(result);
        return done;
    }

    private static FileResult join(Future<FileResult> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reloading log files", e);
        } catch (ExecutionException e) { // FileReader catches what reading a file throws
            throw new IllegalStateException("reloading a log file failed", e.getCause());
        }
    }

    /** What reading one file gave. */
    private static final class FileResult {
        Path path;
        ReloadedColumns found;
        final List<LogMessage> replayed = new ArrayList<>();
        long lowest = Long.MAX_VALUE;
        long highest;
        long corrupt;
        LogFiles.FileRange range;
    }

    /** The shape of a file's lines, once per distinct shape, with the age its messages are kept. */
    private record Kept(MessageShape shape, Instant oldest, long oldestNanos) {
    }

    /** Reads one file into a {@link FileResult}. */
    private static final class FileReader implements java.util.concurrent.Callable<FileResult> {
        private final LogFiles.LogFile file;
        private final Function<LogMessage, Instant> oldestKept;
        private final Removals removals;
        private final long replayAfter;
        private final LogLineDecoder decoder = new LogLineDecoder();
        private final Map<MessageShape, Kept> shapes = new HashMap<>();
        private final FileResult result = new FileResult();
        private long newest;
        private long lines;

        FileReader(LogFiles.LogFile file, Function<LogMessage, Instant> oldestKept, Removals removals,
                long replayAfter) {
            this.file = file;
            this.oldestKept = oldestKept;
            this.removals = removals;
            this.replayAfter = replayAfter;
            result.path = file.path();
            result.found = new ReloadedColumns(1024);
        }

        @Override
        public FileResult call() {
            try (InputStream in = LogFiles.open(file)) {
                readLines(in);
                if (lines > 0) {
                    result.range = new LogFiles.FileRange(result.lowest, newest, lines);
                }
            } catch (IOException | RuntimeException e) {
                if (file.compressed()) {
                    result.corrupt++; // cut short by a crash or damaged: what came before the damage is kept
                    LOG.log(System.Logger.Level.WARNING, "skipping the rest of damaged compressed log file "
                            + file.path() + " after " + lines + " lines: " + e);
                } else {
                    LOG.log(System.Logger.Level.WARNING, "skipping unreadable log file " + file.path() + ": " + e);
                }
            }
            return result;
        }

        // Splits the bytes into lines (\n or \r\n) as LogFiles.LineReader does, decoding each where
        // it starts: a line in the common form is found to end where its object does, so most
        // lines are never searched for their newline.
        private void readLines(InputStream in) throws IOException {
            byte[] buffer = new byte[BUFFER_BYTES];
            int start = 0;
            int limit = 0;
            boolean eof = false;
            boolean skipping = false; // inside a line over the limit, until its newline
            int searched = 0; // [start, searched) holds no newline
            while (true) {
                if (!skipping && start < limit) {
                    int end = decoder.decode(buffer, start, limit);
                    if (end > 0 && end < limit && buffer[end] == '\n') {
                        decoded();
                        start = end + 1;
                        searched = start;
                        continue;
                    }
                    if (end > 0 && end + 1 < limit && buffer[end] == '\r' && buffer[end + 1] == '\n') {
                        decoded();
                        start = end + 2;
                        searched = start;
                        continue;
                    }
                }
                int newline = searched;
                while (newline < limit && buffer[newline] != '\n') {
                    newline++;
                }
                searched = newline;
                if (newline < limit) {
                    if (skipping) {
                        skipping = false;
                        result.corrupt++; // the line over the limit
                    } else {
                        line(buffer, start, newline > start && buffer[newline - 1] == '\r' ? newline - 1 : newline);
                    }
                    start = newline + 1;
                    searched = start;
                    continue;
                }
                if (eof) {
                    if (skipping) {
                        result.corrupt++;
                    } else if (start < limit) { // a last line without newline, e.g. a torn one
                        line(buffer, start, buffer[limit - 1] == '\r' ? limit - 1 : limit);
                    }
                    return;
                }
                // Need more bytes: keep the unfinished line at the front, grow if it fills the buffer.
                if (skipping) {
                    start = limit; // nothing of a line over the limit is kept
                }
                int kept = limit - start;
                if (kept == buffer.length) {
                    if (kept >= maxLineBytes()) {
                        skipping = true; // over MAX_LINE_CHARS characters however it decodes
                        kept = 0;
                    } else {
                        buffer = Arrays.copyOf(buffer, Math.min(maxLineBytes(), buffer.length * 2));
                    }
                }
                System.arraycopy(buffer, limit - kept, buffer, 0, kept);
                searched -= start;
                if (searched < 0 || kept == 0) {
                    searched = 0;
                }
                start = 0;
                limit = kept;
                int read = in.read(buffer, limit, buffer.length - limit);
                if (read < 0) {
                    eof = true;
                } else {
                    limit += read;
                }
            }
        }

        // A line over this many bytes is over LineReader.MAX_LINE_CHARS characters however it decodes
        // (a character is at most 3 bytes of UTF-8; a malformed byte decodes to one character).
        private static int maxLineBytes() {
            return (int) Math.min(Integer.MAX_VALUE - 16, 3L * LogFiles.LineReader.MAX_LINE_CHARS + 1);
        }

        /** A line that is not in the decoder's common form (or not a message at all): as a String. */
        private void line(byte[] buffer, int from, int to) {
            // Malformed UTF-8 becomes U+FFFD, as the line reader's decoder does.
            String line = new String(buffer, from, to - from, StandardCharsets.UTF_8);
            if (line.length() > LogFiles.LineReader.MAX_LINE_CHARS) {
                result.corrupt++;
                return;
            }
            if (line.isBlank()) {
                return;
            }
            LogMessage message;
            long sequence;
            try {
                message = LogJson.fromJson(line);
                sequence = LogId.trySequence(message.id());
            } catch (RuntimeException e) { // malformed JSON or not a message
                result.corrupt++;
                return;
            }
            if (sequence < 1) {
                result.corrupt++;
                return;
            }
            long nanos = EpochNanos.of(message.timestamp());
            accept(sequence, message.message(), nanos, message.timestamp(),
                    MessageShape.of(message, message.deviceId()), message.fields(), message);
        }

        private void decoded() {
            LogLineDecoder d = decoder;
            LevelSource levelSource = d.levelSource();
            if (levelSource == null) { // LogMessage's default, which the shape must hold already
                levelSource = d.containerId() != null && !d.isSystem() ? LevelSource.STREAM : LevelSource.EXPLICIT;
            }
            MessageShape shape = new MessageShape(d.level(), d.source(), d.serviceId(), d.serviceName(),
                    d.containerId(), d.isStdErr(), d.isSystem(), d.deviceId(), levelSource);
            long nanos = EpochNanos.of(d.epochSecond(), d.nano());
            Instant timestamp = EpochNanos.isExact(nanos) ? null : Instant.ofEpochSecond(d.epochSecond(), d.nano());
            accept(d.sequence(), d.text(), nanos, timestamp, shape, null, null);
        }

        // `timestamp` may be null where `nanos` holds it exactly; `message` null unless the line
        // was decoded as one.
        private void accept(long sequence, String text, long nanos, Instant timestamp, MessageShape shape,
                LogFields fields, LogMessage message) {
            result.highest = Math.max(result.highest, sequence);
            result.lowest = Math.min(result.lowest, sequence);
            newest = Math.max(newest, sequence);
            lines++;
            Kept kept = shapes.get(shape);
            if (kept == null) {
                Instant oldest = oldestKept.apply(shape.probe());
                kept = new Kept(shape, oldest, EpochNanos.of(oldest));
                shapes.put(shape, kept);
            }
            boolean exact = EpochNanos.isExact(nanos);
            if (sequence > replayAfter) {
                result.replayed.add(message != null ? message
                        : kept.shape().message(LogId.format(sequence), text,
                                exact ? EpochNanos.instant(nanos) : timestamp, fields));
            }
            boolean expired = exact && EpochNanos.isExact(kept.oldestNanos()) ? nanos < kept.oldestNanos()
                    : (exact ? EpochNanos.instant(nanos) : timestamp).isBefore(kept.oldest());
            if (!expired && !removals.removes(sequence, nanos)) {
                result.found.add(sequence, text, nanos, exact ? null : timestamp, kept.shape(), fields);
            }
        }
    }
}
