package io.containerlogging.docker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads one container's {@code json-file} log from disk into a {@link LineAssembler}, the way the
 * Engine API's {@code GET /containers/{id}/logs?timestamps=1&since=..&follow=..} would deliver
 * it, at a fraction of the cost: no dockerd decoding and re-encoding every entry, no socket write
 * per entry (see docs/log-files.md).
 *
 * <p>A <em>pass</em> starts where the API would: {@link Host#restart()} resets the container's
 * per-stream resume filters to what it kept so far and says from when; the files that can hold
 * entries from then on are read oldest first, entries stamped before it skipped (from the time at
 * the end of the line, before decoding it), then the current file is followed. At its end the
 * reader polls for growth (one {@code stat} of the current file's name), napping
 * {@value #MIN_NAP_MILLIS} ms, doubling up to {@value #MAX_NAP_MILLIS} ms while nothing comes
 * ({@value #MAX_IDLE_NAP_MILLIS} ms once idle for {@value #LONG_IDLE_MILLIS} ms); the container's
 * stop and a detach wake it at once. When the current file was rotated away, it is
 * read to its end (dockerd closes a file before renaming it) and the files written after it are
 * found by its first line and read in order, so nothing is read twice or missed. Whatever cannot
 * be made exact that way (the file was deleted by {@code max-file} before it was found, truncated,
 * a broken gzip) starts a new pass, which the resume filters make exact; a few of those in a row
 * without progress give up, and the caller goes on through the API.
 *
 * <p>Not thread-safe: one reader thread.
 */
final class LogFileReader {

    /** Shortest and longest nap at the end of the current file. */
    static final long MIN_NAP_MILLIS = 2;
    static final long MAX_NAP_MILLIS = 50;
    /**
     * After this long without a new line, the nap grows to {@value #MAX_IDLE_NAP_MILLIS} ms (as
     * Filebeat's backoff does, to 1 s and beyond): a look at an idle file (a wake-up and one
     * {@code stat}) costs tens of microseconds here, so 40 quiet containers cost 2.9 % of a core
     * with 20 looks a second each and 0.8 % with 4 (scripts/bench/idle.sh).
     */
    static final long LONG_IDLE_MILLIS = 5_000;
    static final long MAX_IDLE_NAP_MILLIS = 1_000;
    /** New passes in a row without reading anything new, before giving up on the files. */
    static final int MAX_RESTARTS = 4;
    /** Looks at the files while a rotation is under way, before starting a new pass. */
    static final int WALK_ATTEMPTS = 6;
    /** Entries longer than this are not json-file's (16 KiB of content, escaped): skipped, counted. */
    static final int MAX_ENTRY = LogFileSet.MAX_FIRST_LINE;
    /**
     * How much older than the start of a pass an entry may be stamped and still lie in a newer
     * file: the stdout and stderr copiers stamp entries before the logger writes them, so across
     * streams the file order is the time order only to within scheduling delays.
     */
    static final Duration ROTATION_SLACK = Duration.ofSeconds(1);

    private static final byte[] TIME_KEY = {'"', 't', 'i', 'm', 'e', '"', ':', '"'};

    /** The container being read. */
    interface Host {
        /**
         * Starts a pass: from now on the container drops lines it kept already.
         *
         * @return the time of the oldest entry that may be new, or null to read from the first
         */
        Instant restart();

        /** Whether the container stopped since the reader started (its log is complete). */
        boolean stopRequested();

        /** Whether reading should stop at once. */
        boolean detached();
    }

    /** How a read ended. */
    enum Outcome {
        /** The log was read to its end after the container stopped (or without follow). */
        END,
        /** Detached. */
        STOPPED,
        /** The files could not be read exactly: go on through the API. */
        FALLBACK
    }

    private final LogFileSet files;
    private final boolean stdout;
    private final boolean stderr;
    private final LineAssembler assembler;
    private final Host host;
    private final AtomicLong skipped;
    private final JsonFileLine decoder = new JsonFileLine();
    private final EntryTimestamps timestamps = new EntryTimestamps();
    private final byte[] timeBytes = new byte[64];
    private final byte[] buffer = new byte[64 * 1024];
    private byte[] carry = new byte[1024];
    private int carryLength;
    private boolean carryTooLong;
    // the current pass's start; null: everything
    private Instant since;
    // the first line of the file being read (its identity), captured as it is read
    private byte[] firstLine;
    private boolean atFirstLine;
    private long bytesRead;

    LogFileReader(LogFileSet files, boolean stdout, boolean stderr, LineAssembler assembler, Host host,
            AtomicLong skipped) {
        this.files = files;
        this.stdout = stdout;
        this.stderr = stderr;
        this.assembler = assembler;
        this.host = host;
        this.skipped = skipped;
    }

    /** A restartable failure: the files cannot be followed exactly from here; start a new pass. */
    private static final class Restart extends Exception {
        Restart(String why) {
            super(why, null, false, false);
        }
    }

    /**
     * Reads until the container stops (with {@code follow}; else to the end of the log), or
     * detach, or giving up.
     */
    Outcome read(boolean follow) {
        int restarts = 0;
        while (true) {
            if (host.detached()) {
                return Outcome.STOPPED;
            }
            long before = bytesRead;
            List<LogFileSet.LogFile> pass = null;
            try {
                since = host.restart();
                assembler.discardPending();
                pass = startPass();
                if (pass == null) {
                    throw new Restart("the log file is missing or rotating");
                }
                Outcome outcome = follow(pass, follow);
                if (outcome == Outcome.END) {
                    assembler.finish();
                } else {
                    assembler.discardPending();
                }
                return outcome;
            } catch (Restart | IOException | UncheckedIOException e) {
                if (host.detached()) {
                    return Outcome.STOPPED;
                }
                restarts = bytesRead > before ? 1 : restarts + 1;
                System.getLogger(LogFileReader.class.getName()).log(System.Logger.Level.DEBUG,
                        "reading " + files.base() + " again from the resume point: " + e.getMessage());
                if (restarts >= MAX_RESTARTS) {
                    assembler.discardPending();
                    return Outcome.FALLBACK;
                }
                LockSupport.parkNanos(MIN_NAP_MILLIS * 1_000_000L << restarts);
            } finally {
                if (pass != null) {
                    pass.forEach(LogFileSet.LogFile::close);
                }
            }
        }
    }

    /** The files that can hold entries from {@link #since} on, newest first. */
    private List<LogFileSet.LogFile> startPass() throws IOException {
        Instant oldest = since == null ? null : since.minus(ROTATION_SLACK);
        return walk(file -> {
                if (oldest == null) {
                    return false;
                }
                Instant first = firstTime(file);
            // its first entry is older: older files hold nothing from since on
            return first != null && first.isBefore(oldest);
        });
    }

    /**
     * {@link LogFileSet#walk}, tried again a few times while a rotation is under way (between
     * dockerd's rename and its new file, or while names shift).
     *
     * @return null if the files did not hold still
     */
    private List<LogFileSet.LogFile> walk(java.util.function.Predicate<LogFileSet.LogFile> last) throws IOException {
        for (int attempt = 0; attempt < WALK_ATTEMPTS; attempt++) {
            if (attempt > 0) {
                LockSupport.parkNanos(1_000_000L << attempt);
            }
            try {
                List<LogFileSet.LogFile> walked = files.walk(last);
                if (walked != null) {
                    return walked;
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
        return null;
    }

    private Instant firstTime(LogFileSet.LogFile file) {
        try {
            byte[] line = file.firstLine();
            if (line == null || !decoder.decode(line, 0, line.length)) {
                return null;
            }
            return timestamps.parse(decoder.time(), decoder.timeLength());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the files of a pass, oldest first, then follows the current one through its rotations. */
    private Outcome follow(List<LogFileSet.LogFile> pass, boolean follow) throws IOException, Restart {
        for (int i = pass.size() - 1; i > 0; i--) {
            if (!readWhole(pass.get(i))) {
                return Outcome.STOPPED;
            }
        }
        LogFileSet.LogFile current = pass.get(0);
        Object currentKey = current.key;
        startFile();
        ByteBuffer into = ByteBuffer.wrap(buffer);
        long nap = MIN_NAP_MILLIS;
        long idleMillis = 0;
        long position = 0; // of the current file, read so far
        boolean sawStop = false;
        boolean read = true; // false after a nap: look (one stat) before reading
        while (true) {
            if (host.detached()) {
                return Outcome.STOPPED;
            }
            if (read) {
                into.clear();
                int n = current.channel.read(into);
                if (n > 0) {
                    consume(buffer, 0, n);
                    position += n;
                    nap = MIN_NAP_MILLIS;
                    idleMillis = 0;
                    continue;
                }
                if (sawStop) {
                    endFile();
                    return Outcome.END;
                }
            }
            read = true;
            // the stop is seen before the checks and the last read: all written before it is read
            boolean stop = !follow || host.stopRequested();
            java.nio.file.attribute.BasicFileAttributes now = files.currentAttributes();
            Object key = now == null ? null : now.fileKey();
            if (key != null && key.equals(currentKey)) {
                if (now.size() < position) {
                    throw new Restart("the log file was truncated");
                }
                if (now.size() > position) {
                    continue;
                }
            } else if (key != null) {
                int n;
                // rotated away: it is complete, and no longer written
                into.clear();
                while ((n = current.channel.read(into)) > 0) {
                    consume(buffer, 0, n);
                    into.clear();
                }
                endFile();
                List<LogFileSet.LogFile> newer = successors(firstLine);
                try {
                    for (int i = newer.size() - 1; i > 0; i--) {
                        if (!readWhole(newer.get(i))) {
                            return Outcome.STOPPED;
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    newer.forEach(LogFileSet.LogFile::close);
                    throw e;
                }
                for (int i = newer.size() - 1; i > 0; i--) {
                    newer.get(i).close();
                }
                current.close();
                current = newer.get(0);
                pass.set(0, current); // closed by the caller
                currentKey = current.key;
                position = 0;
                startFile();
                continue;
            }
            if (stop) {
                sawStop = true;
                continue;
            }
            LockSupport.parkNanos(nap * 1_000_000L);
            idleMillis += nap;
            nap = Math.min(idleMillis < LONG_IDLE_MILLIS ? MAX_NAP_MILLIS : MAX_IDLE_NAP_MILLIS, nap * 2);
            read = false;
        }
    }

    /**
     * The files written after the one whose first line is {@code rotated}, newest first (the
     * current one first).
     *
     * @throws Restart if it is not found (deleted by max-file already, or a rotation meanwhile)
     */
    private List<LogFileSet.LogFile> successors(byte[] rotated) throws IOException, Restart {
        if (rotated == null) {
            throw new Restart("a rotated log file had no first line");
        }
        List<LogFileSet.LogFile> walked = walk(file -> {
            try {
                return Arrays.equals(rotated, file.firstLine());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        if (walked == null) {
            throw new Restart("the log file is missing or rotating");
        }
        LogFileSet.LogFile found = walked.get(walked.size() - 1);
        byte[] foundLine = found.firstLine();
        if (walked.size() < 2 || !Arrays.equals(rotated, foundLine)) {
            walked.forEach(LogFileSet.LogFile::close);
            throw new Restart("the rotated log file is gone");
        }
        found.close();
        return walked.subList(0, walked.size() - 1);
    }

    /** Reads a rotated (complete) file; false if detached meanwhile. */
    private boolean readWhole(LogFileSet.LogFile file) throws IOException {
        startFile();
        InputStream in = file.open();
        int n;
        while ((n = in.read(buffer)) >= 0) {
            if (host.detached()) {
                return false;
            }
            consume(buffer, 0, n);
        }
        endFile();
        return true;
    }

    private void startFile() {
        carryLength = 0;
        carryTooLong = false;
        firstLine = null;
        atFirstLine = true;
    }

    /** A file ended: a torn last line in it is not an entry. */
    private void endFile() {
        if (carryLength > 0 || carryTooLong) {
            skipped.incrementAndGet();
        }
        carryLength = 0;
        carryTooLong = false;
    }

    /** Splits bytes read into lines; an incomplete last line waits in {@link #carry}. */
    private void consume(byte[] bytes, int from, int length) {
        bytesRead += length;
        int i = from;
        int end = from + length;
        while (i < end) {
            int newline = indexOf(bytes, i, end);
            if (newline < 0) {
                append(bytes, i, end - i);
                return;
            }
            if (carryLength > 0 || carryTooLong) {
                append(bytes, i, newline - i);
                if (carryTooLong) {
                    skipped.incrementAndGet();
                    atFirstLine = false;
                } else {
                    line(carry, 0, carryLength);
                }
                carryLength = 0;
                carryTooLong = false;
            } else {
                line(bytes, i, newline);
            }
            i = newline + 1;
        }
    }

    private void append(byte[] bytes, int from, int length) {
        if (carryTooLong || carryLength + length > MAX_ENTRY) {
            carryTooLong = true;
            carryLength = 0;
            return;
        }
        if (carryLength + length > carry.length) {
            carry = Arrays.copyOf(carry, Math.max(carryLength + length, carry.length * 2));
        }
        System.arraycopy(bytes, from, carry, carryLength, length);
        carryLength += length;
    }

    /** One line of the file, without its newline. */
    private void line(byte[] bytes, int from, int to) {
        if (atFirstLine) {
            atFirstLine = false;
            firstLine = Arrays.copyOfRange(bytes, from, to);
        }
        Instant time = since == null ? null : tailTime(bytes, from, to);
        if (time != null && time.isBefore(since)) {
            return; // read from an earlier point than the API would have been asked for
        }
        if (!decoder.decode(bytes, from, to)) {
            skipped.incrementAndGet();
            return;
        }
        boolean stdErr = decoder.stream() == JsonFileLine.STDERR;
        if (stdErr ? !stderr : !stdout) {
            return;
        }
        if (time == null) {
            time = timestamps.parse(decoder.time(), decoder.timeLength());
            if (time == null) {
                skipped.incrementAndGet();
                return;
            }
            if (since != null && time.isBefore(since)) {
                return;
            }
        }
        assembler.entry(stdErr, time, decoder.log(), 0, decoder.logLength());
    }

    /**
     * The time of a line that ends, as dockerd writes it, in {@code "time":"<RFC 3339>"}}; null if
     * it does not (then the decoder finds it).
     */
    private Instant tailTime(byte[] bytes, int from, int to) {
        if (to - from < TIME_KEY.length + 3 || bytes[to - 1] != '}' || bytes[to - 2] != '"') {
            return null;
        }
        int close = to - 2;
        int open = close - 1;
        int limit = Math.max(from + TIME_KEY.length, close - timeBytes.length);
        while (open > limit && bytes[open] != '"') {
            open--;
        }
        if (bytes[open] != '"' || !Arrays.equals(bytes, open - TIME_KEY.length + 1, open + 1, TIME_KEY, 0,
                TIME_KEY.length)) {
            return null;
        }
        int length = close - open - 1;
        System.arraycopy(bytes, open + 1, timeBytes, 0, length);
        return timestamps.parse(timeBytes, length);
    }

    private static int indexOf(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
