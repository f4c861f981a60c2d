package io.containerlogging.docker;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * Turns the bytes of a Docker log stream requested with {@code timestamps=1} back into lines.
 *
 * <p>Docker delivers log <em>entries</em>, each {@code <RFC 3339 timestamp> <content>}, where the
 * content ends in {@code \n}, or is a 16 KiB piece of a longer line (exactly
 * {@value #DOCKER_PIECE_SIZE} bytes, no newline, and the next entry continues the line with its
 * own timestamp prefix), or is an unterminated last line. The bytes of entries reach us in chunks
 * split anywhere (a chunk is not an entry, an entry is not a line), so this is a byte-level state
 * machine per stream (stdout, stderr) that never assumes anything about chunk boundaries and
 * copies what it needs out of the caller's buffer before returning (callers reuse buffers).
 *
 * <p>A line keeps the timestamp of its first piece; later pieces' prefixes are dropped, so a
 * rejoined long line carries no embedded timestamps. A line is kept up to {@code maxLineLength}
 * bytes; the rest is counted, not buffered, and reported in a marker appended to the text.
 * Invalid UTF-8 is replaced with U+FFFD, never thrown. One trailing {@code \r} is stripped (TTY
 * lines end in {@code \r\n}).
 *
 * <p>Without timestamps (the attach API, which has none), the bytes are a plain stream per
 * {@code stdout}/{@code stderr}: frames are the container's writes, not entries, so only newlines
 * end lines (and {@link #finish()} the last one), and a line gets the clock's time when its
 * first byte arrives.
 *
 * <p>Not thread-safe: one reader thread feeds one assembler.
 */
final class LineAssembler {

    /** The size of the pieces dockerd splits long lines into. */
    static final int DOCKER_PIECE_SIZE = 16 * 1024;

    /** Longest accepted timestamp token; longer means the entry had no timestamp prefix. */
    private static final int MAX_TIMESTAMP_LENGTH = 40;

    /** Receives assembled lines. Called on the thread that feeds the assembler. */
    interface Sink {
        /**
         * One complete line.
         *
         * @param timestamp Docker's timestamp of the line's first piece, full precision
         * @param stdErr whether the line came from stderr
         * @param text the line without its newline and trailing CR; truncated lines end in a marker
         */
        void line(Instant timestamp, boolean stdErr, String text);
    }

    private enum Phase {
        /** Reading the timestamp token that starts an entry. */
        TIMESTAMP,
        /** Reading an entry's content. */
        CONTENT,
        /** An entry just reached {@link #DOCKER_PIECE_SIZE} content bytes without a newline. */
        PIECE_BOUNDARY
    }

    private final int maxLineLength;
    private final boolean timestamped;
    private final Clock clock;
    private final Sink sink;
    private final StreamState stdout;
    private final StreamState stderr;
    private long badTimestamps;
    private long truncatedLines;

    /** An assembler for a log stream read with {@code timestamps=1}. */
    LineAssembler(int maxLineLength, Clock clock, Sink sink) {
        this(maxLineLength, true, clock, sink);
    }

    /**
     * @param timestamped whether every entry starts with dockerd's timestamp (the logs API with
     *     {@code timestamps=1}); false for the attach API's plain output
     */
    LineAssembler(int maxLineLength, boolean timestamped, Clock clock, Sink sink) {
        if (maxLineLength < 1) {
            throw new IllegalArgumentException("maxLineLength must be >= 1, was " + maxLineLength);
        }
        this.maxLineLength = maxLineLength;
        this.timestamped = timestamped;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.stdout = new StreamState(false);
        this.stderr = new StreamState(true);
    }

    /** Consumes {@code length} bytes of {@code buffer} from {@code offset}; never keeps a reference. */
    void accept(boolean stdErr, byte[] buffer, int offset, int length) {
        (stdErr ? stderr : stdout).accept(buffer, offset, offset + length);
    }

    /**
     * The current entry of a stream is complete (a multiplexed frame ended). An entry that ended
     * without a newline and is not a 16 KiB piece is an unterminated line: deliver it now.
     */
    void endOfEntry(boolean stdErr) {
        if (!timestamped) {
            return; // attach frames are the container's writes: a line may span several
        }
        (stdErr ? stderr : stdout).endOfEntry();
    }

    /**
     * One whole entry whose timestamp is already known (read from the json-file log, where it is
     * a field rather than a prefix): the same as {@code <timestamp> <content>} through
     * {@link #accept} followed by {@link #endOfEntry}, without printing and parsing the timestamp.
     */
    void entry(boolean stdErr, Instant timestamp, byte[] content, int offset, int length) {
        StreamState state = stdErr ? stderr : stdout;
        state.startEntry(timestamp);
        state.accept(content, offset, offset + length);
        state.endOfEntry();
    }

    /** The stream ended normally: deliver whatever line is pending on either stream. */
    void finish() {
        stdout.flush();
        stderr.flush();
    }

    /** Drops whatever is pending (the stream broke mid-entry; it will be read again on resume). */
    void discardPending() {
        stdout.reset();
        stderr.reset();
    }

    /** Entries whose timestamp prefix could not be parsed (they got the clock's time). */
    long badTimestamps() {
        return badTimestamps;
    }

    /** Lines longer than the maximum that were truncated. */
    long truncatedLines() {
        return truncatedLines;
    }

    private final class StreamState {
        private final boolean stdErr;
        private final Phase start = timestamped ? Phase.TIMESTAMP : Phase.CONTENT;
        private Phase phase = start;
        private final byte[] timestamp = new byte[MAX_TIMESTAMP_LENGTH];
        private final EntryTimestamps timestamps = new EntryTimestamps();
        private int timestampLength;
        private byte[] line = new byte[256];
        private int lineLength;
        private long droppedBytes;
        /** Timestamp of the line being assembled; null when no line is in progress. */
        private Instant lineTimestamp;
        /** Content bytes of the current entry, to recognise dockerd's 16 KiB pieces. */
        private int entryContent;

        StreamState(boolean stdErr) {
            this.stdErr = stdErr;
        }

        void accept(byte[] buffer, int from, int end) {
            int i = from;
            while (i < end) {
                switch (phase) {
                    case TIMESTAMP: {
                        while (i < end && buffer[i] != ' ' && timestampLength < MAX_TIMESTAMP_LENGTH) {
                            timestamp[timestampLength++] = buffer[i++];
                        }
                        if (i == end) {
                            break;
                        }
                        if (buffer[i] == ' ') {
                            i++;
                            startEntry(parseTimestamp());
                        } else { // too long for a timestamp: keep the bytes as content
                            badTimestamps++;
                            startEntry(clock.instant());
                            append(timestamp, 0, timestampLength);
                        }
                        timestampLength = 0;
                        break;
                    }
                    case PIECE_BOUNDARY: {
                        if (buffer[i] == '\n') { // a line of exactly 16 KiB: the newline closes it
                            i++;
                            emit();
                        }
                        // otherwise a timestamp follows: the next entry continues this line
                        phase = Phase.TIMESTAMP;
                        break;
                    }
                    default: { // CONTENT
                        if (!timestamped) {
                            if (lineTimestamp == null) {
                                lineTimestamp = clock.instant(); // when the line's first byte arrived
                            }
                            int newline = indexOf(buffer, i, end);
                            append(buffer, i, (newline >= 0 ? newline : end) - i);
                            i = newline >= 0 ? newline + 1 : end;
                            if (newline >= 0) {
                                emit();
                            }
                            break;
                        }
                        int stop = Math.min(end, i + (DOCKER_PIECE_SIZE - entryContent));
                        int newline = indexOf(buffer, i, stop);
                        if (newline >= 0) {
                            append(buffer, i, newline - i);
                            i = newline + 1;
                            emit();
                            phase = Phase.TIMESTAMP;
                        } else {
                            append(buffer, i, stop - i);
                            entryContent += stop - i;
                            i = stop;
                            if (entryContent == DOCKER_PIECE_SIZE) {
                                phase = Phase.PIECE_BOUNDARY;
                            }
                        }
                        break;
                    }
                }
            }
        }

        private void startEntry(Instant entryTimestamp) {
            if (lineTimestamp == null) { // continuation pieces keep the first piece's time
                lineTimestamp = entryTimestamp;
            }
            entryContent = 0;
            phase = Phase.CONTENT;
        }

        private Instant parseTimestamp() {
            Instant parsed = timestamps.parse(timestamp, timestampLength);
            if (parsed == null) {
                badTimestamps++;
                return clock.instant();
            }
            return parsed;
        }

        void endOfEntry() {
            if (phase == Phase.CONTENT) {
                emit(); // unterminated line (printf without newline, last line before a stop)
                phase = Phase.TIMESTAMP;
            } else if (phase == Phase.PIECE_BOUNDARY) {
                phase = Phase.TIMESTAMP; // a 16 KiB piece: the line goes on in the next entry
            }
        }

        void flush() {
            if (lineTimestamp != null) {
                emit();
            }
            reset();
        }

        void reset() {
            phase = start;
            timestampLength = 0;
            lineLength = 0;
            droppedBytes = 0;
            lineTimestamp = null;
            entryContent = 0;
        }

        private void append(byte[] source, int offset, int length) {
            int room = maxLineLength - lineLength;
            int copied = Math.min(room, length);
            if (copied > 0) {
                if (lineLength + copied > line.length) {
                    line = java.util.Arrays.copyOf(line,
                            (int) Math.min(maxLineLength, Math.max((long) line.length * 2, lineLength + copied)));
                }
                System.arraycopy(source, offset, line, lineLength, copied);
                lineLength += copied;
            }
            droppedBytes += length - copied;
        }

        private void emit() {
            Instant at = lineTimestamp != null ? lineTimestamp : clock.instant();
            String text;
            if (droppedBytes > 0) {
                truncatedLines++;
                int keep = utf8Boundary(line, lineLength);
                long dropped = droppedBytes + (lineLength - keep);
                text = new String(line, 0, keep, StandardCharsets.UTF_8)
                        + " [truncated " + dropped + " bytes]";
            } else {
                int length = lineLength;
                if (length > 0 && line[length - 1] == '\r') {
                    length--;
                }
                text = new String(line, 0, length, StandardCharsets.UTF_8);
            }
            lineLength = 0;
            droppedBytes = 0;
            lineTimestamp = null;
            entryContent = 0;
            if (line.length > 64 * 1024) {
                line = new byte[256]; // do not pin a huge buffer per stream after one long line
            }
            sink.line(at, stdErr, text);
        }
    }

    private static int indexOf(byte[] buffer, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buffer[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** The largest length not above {@code length} that does not cut a UTF-8 sequence in two. */
    static int utf8Boundary(byte[] bytes, int length) {
        if (length == 0) {
            return 0;
        }
        int start = length - 1;
        while (start > 0 && length - start < 4 && (bytes[start] & 0xC0) == 0x80) {
            start--;
        }
        int lead = bytes[start] & 0xFF;
        int needed = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        return start + needed > length ? start : length;
    }
}
