package io.containerlogging.docker;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * The files of one container's {@code json-file} log: the current {@code <id>-json.log} and the
 * rotated {@code <id>-json.log.1}, {@code .2}, ... (gzipped as {@code .N.gz} with
 * {@code compress=true}), newest first.
 *
 * <p>How dockerd rotates (moby {@code loggerutils.LogFile}): when a write takes the current file
 * past {@code max-size}, it closes it, renames {@code .N-1} to {@code .N} down to the current file
 * to {@code .1}, and creates a new current file; with compression a goroutine then writes
 * {@code .1.gz} and deletes {@code .1}. So a rotated file never changes again (its name does), a
 * file is identified here by its content (its first line carries a nanosecond timestamp), not its
 * name, and an uncompressed {@code .N} is preferred to a {@code .N.gz} that may still be written.
 *
 * <p>Not thread-safe: used by one reader.
 */
final class LogFileSet {

    /** A first line longer than this cannot be json-file's (16 KiB of content, escaped). */
    static final int MAX_FIRST_LINE = 256 * 1024;
    /** More rotated files than this are not looked at (dockerd's max-file is usually single digits). */
    private static final int MAX_FILES = 1000;

    private final Path base;

    LogFileSet(Path base) {
        this.base = base;
    }

    Path base() {
        return base;
    }

    /** The identity of the file now named as the current log, or null if there is none at the moment. */
    Object currentKey() {
        BasicFileAttributes attributes = currentAttributes();
        return attributes == null ? null : attributes.fileKey();
    }

    /** The identity and size of the file now named as the current log, or null if there is none at the moment. */
    BasicFileAttributes currentAttributes() {
        try {
            return Files.readAttributes(base, BasicFileAttributes.class);
        } catch (IOException e) {
            return null;
        }
    }

    /** One opened file of the log; reading it goes on whatever it is renamed to meanwhile. */
    static final class LogFile implements Closeable {
        final FileChannel channel;
        final boolean gzip;
        /** The file's identity if it was the current file when opened by {@link #walk}, else null. */
        Object key;
        private byte[] firstLine;
        private boolean firstLineRead;

        LogFile(FileChannel channel, boolean gzip) {
            this.channel = channel;
            this.gzip = gzip;
        }

        /** The file's content from its start (decompressed). */
        InputStream open() throws IOException {
            channel.position(0);
            InputStream raw = Channels.newInputStream(channel);
            return gzip ? new GZIPInputStream(raw, 64 * 1024) : raw;
        }

        /** Its first complete line (without the newline), or null if it has none or it is too long. */
        byte[] firstLine() throws IOException {
            if (!firstLineRead) {
                firstLineRead = true;
                firstLine = readFirstLine();
            }
            return firstLine;
        }

        private byte[] readFirstLine() throws IOException {
            byte[] buffer = new byte[8192];
            byte[] line = new byte[0];
            InputStream in = open();
            int n;
            while (line.length < MAX_FIRST_LINE && (n = in.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        byte[] out = Arrays.copyOf(line, line.length + i);
                        System.arraycopy(buffer, 0, out, line.length, i);
                        channel.position(0);
                        return out;
                    }
                }
                line = Arrays.copyOf(line, line.length + n);
                System.arraycopy(buffer, 0, line, line.length - n, n);
            }
            channel.position(0);
            return null;
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing left to release
            }
        }
    }

    /**
     * Opens the current file and then rotated ones, newest first, until {@code last} says a file is
     * the last one wanted (it is included) or there are no more; checks that no rotation
     * happened meanwhile.
     *
     * @return the files, newest first, the current one first; null if the current file is missing
     *     or a rotation came in between (try again)
     */
    List<LogFile> walk(Predicate<LogFile> last) throws IOException {
        List<LogFile> files = new ArrayList<>();
        boolean done = false;
        try {
            Object key = currentKey();
            if (key == null) {
                return null;
            }
            LogFile current = openPlain(base);
            if (current == null) {
                return null;
            }
            files.add(current);
            if (!key.equals(currentKey())) {
                return null;
            }
            current.key = key;
            if (!last.test(current)) {
                for (int i = 1; i <= MAX_FILES; i++) {
                    LogFile rotated = openPlain(Path.of(base + "." + i));
                    if (rotated == null) {
                        rotated = openGzip(Path.of(base + "." + i + ".gz"));
                    }
                    if (rotated == null) {
                        break;
                    }
                    files.add(rotated);
                    if (last.test(rotated)) {
                        break;
                    }
                }
            }
            if (!key.equals(currentKey())) {
                return null; // rotated while we looked: the names no longer say the order
            }
            done = true;
            return files;
        } finally {
            if (!done) {
                files.forEach(LogFile::close);
            }
        }
    }

    private static LogFile openPlain(Path path) throws IOException {
        try {
            return new LogFile(FileChannel.open(path, StandardOpenOption.READ), false);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static LogFile openGzip(Path path) throws IOException {
        try {
            return new LogFile(FileChannel.open(path, StandardOpenOption.READ), true);
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
