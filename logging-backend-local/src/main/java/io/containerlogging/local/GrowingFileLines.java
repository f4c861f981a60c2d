package io.containerlogging.local;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The complete lines of a plain log file that the writer may still be appending to. Unlike
 * {@link LogFiles.LineReader}, a line is returned only once its newline is there: the end of a
 * file being written is a line half written, not a torn one, and is read again once complete.
 * The open channel keeps reading the file after it is compressed and deleted (its data stays
 * until the channel is closed). Not thread-safe.
 */
final class GrowingFileLines implements AutoCloseable {

    private static final int INITIAL_BYTES = 64 * 1024;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final ReadableByteChannel channel;
    private final int maxLineBytes;
    private ByteBuffer buffer = ByteBuffer.allocate(INITIAL_BYTES); // filled from 0 to position()
    private int start; // where the next line begins in the buffer
    private int scanned; // up to where the current line was searched for its newline
    private boolean skipping; // inside a line longer than the limit: drop through its newline
    private int lineStart; // the line nextLine() moved to
    private int lineEnd;
    private boolean lineTooLong;

    GrowingFileLines(Path path, int maxLineBytes) throws IOException {
        this(FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS), maxLineBytes);
    }

    /**
     * The lines of any byte channel, e.g. a compressed file through gzip: split as bytes and
     * decoded once per line, which costs half of reading through a {@code Reader}.
     */
    GrowingFileLines(ReadableByteChannel channel, int maxLineBytes) {
        this.channel = channel;
        this.maxLineBytes = maxLineBytes;
    }

    /**
     * The next complete line without its terminator ({@code \n} or {@code \r\n}),
     * {@link LogFiles.LineReader#TOO_LONG} for one over the limit, or null if no complete line is
     * there yet.
     */
    String next() throws IOException {
        if (!nextLine()) {
            return null;
        }
        return lineTooLong ? LogFiles.LineReader.TOO_LONG
                : new String(lineBytes(), lineStart, lineEnd - lineStart, StandardCharsets.UTF_8); // malformed bytes replaced
    }

    /**
     * Moves to the next complete line without decoding it: true if there is one, its bytes then
     * {@link #lineBytes()}{@code [}{@link #lineStart()}{@code , }{@link #lineEnd()}{@code )}
     * without the terminator (valid until the next call), or {@link #lineTooLong()}; false if no
     * complete line is there yet.
     */
    boolean nextLine() throws IOException {
        while (true) {
            byte[] bytes = buffer.array();
            int end = buffer.position();
            int i = scanned;
            // Eight bytes at a time up to the one holding the newline: a byte loop was a third of
            // splitting lines (the "has a zero byte" word trick; its lowest flag is exact).
            while (i + 8 <= end) {
                long newlines = (long) LONGS.get(bytes, i) ^ 0x0a0a0a0a0a0a0a0aL;
                long flags = (newlines - 0x0101010101010101L) & ~newlines & 0x8080808080808080L;
                if (flags != 0) {
                    i += Long.numberOfTrailingZeros(flags) >>> 3;
                    break;
                }
                i += 8;
            }
            for (; i < end; i++) {
                if (bytes[i] == '\n') {
                    lineTooLong = skipping;
                    skipping = false;
                    lineStart = start;
                    lineEnd = i > start && bytes[i - 1] == '\r' ? i - 1 : i;
                    start = i + 1;
                    scanned = start;
                    return true;
                }
            }
            scanned = end;
            if (!fill()) {
                return false;
            }
        }
    }

    /** The buffer holding the line {@link #nextLine()} moved to. */
    byte[] lineBytes() {
        return buffer.array();
    }

    int lineStart() {
        return lineStart;
    }

    int lineEnd() {
        return lineEnd;
    }

    /** Whether the line {@link #nextLine()} moved to was over the limit (its bytes are not kept). */
    boolean lineTooLong() {
        return lineTooLong;
    }

    /** Whether bytes of an unfinished line are held: at the end of a closed file, a torn line. */
    boolean partial() {
        return skipping || buffer.position() > start;
    }

    /** Makes room and reads more; false if the file has nothing more for now. */
    private boolean fill() throws IOException {
        if (start > 0) { // drop what was returned
            buffer.flip().position(start);
            buffer.compact();
            scanned -= start;
            start = 0;
        }
        if (!buffer.hasRemaining()) {
            if (buffer.capacity() >= maxLineBytes) {
                skipping = true; // keep no more of this line
                buffer.clear();
                scanned = 0;
            } else {
                ByteBuffer larger = ByteBuffer.allocate(Math.min(maxLineBytes, buffer.capacity() * 2));
                buffer.flip();
                larger.put(buffer);
                buffer = larger;
            }
        }
        return channel.read(buffer) > 0;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
