package io.containerlogging.local;

import java.io.BufferedReader;
import java.io.Reader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.zip.GZIPInputStream;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The on-disk layout of {@link LocalLogBackend}: a directory (0700) of NDJSON files (0600) named
 * {@code container-manager-<epoch-ms>.log}, where the number is the backend clock's time when the
 * file was started. {@link FileReload} reads them back at start-up.
 *
 * <p>Stateless; every method may be called from any thread.
 */
final class LogFiles {

    private static final System.Logger LOG = System.getLogger(LogFiles.class.getName());
    private static final Pattern NAME = Pattern.compile("container-manager-(\\d{1,18})\\.log(\\.gz)?");
    /** The suffix of a compressed log file. */
    static final String GZ = ".gz";
    /** The suffix of a compressed file being written; a leftover of a crash, deleted at start. */
    static final String PARTIAL = ".tmp";

    static final Set<PosixFilePermission> DIR_PERMISSIONS = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE_PERMISSIONS = PosixFilePermissions.fromString("rw-------");

    /** One log file, the time in its name, and whether it is gzip-compressed. */
    record LogFile(Path path, long startMillis, boolean compressed) {
        LogFile(Path path, long startMillis) {
            this(path, startMillis, path.getFileName().toString().endsWith(GZ));
        }
    }

    /** What one file read back whole at start holds: its first and last id sequence and its messages. */
    record FileRange(long firstSequence, long lastSequence, long lines) {
    }

    private LogFiles() {
    }

    static String fileName(long startMillis) {
        return "container-manager-" + startMillis + ".log";
    }

    /**
     * Creates {@code dir} (and missing parents) with permissions 0700 where the file system has
     * POSIX permissions; an existing directory keeps its permissions. A {@code dir} that is a
     * symbolic link is refused: logs hold secrets, and a link planted there would send them (and
     * read them back) somewhere else.
     *
     * @throws IOException if it cannot be created, is a symbolic link or is not a writable directory
     */
    static void createDirectory(Path dir) throws IOException {
        if (Files.isSymbolicLink(dir)) {
            throw new IOException("log directory " + dir.toAbsolutePath() + " is a symbolic link; refusing to"
                    + " follow it (give the real directory)");
        }
        try {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                if (isPosix(dir)) {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_PERMISSIONS));
                    Files.setPosixFilePermissions(dir, DIR_PERMISSIONS); // the umask may have narrowed it
                } else {
                    Files.createDirectories(dir);
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new IOException("cannot create log directory " + dir.toAbsolutePath() + ": " + e, e);
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("log directory " + dir.toAbsolutePath() + " is not a directory");
        }
        if (!Files.isWritable(dir)) {
            throw new IOException("log directory " + dir.toAbsolutePath() + " is not writable");
        }
    }

    /**
     * Creates a new, empty log file in {@code dir} with permissions 0600, named after the first
     * free millisecond at or after {@code notBeforeMillis}.
     */
    static LogFile createFile(Path dir, long notBeforeMillis) throws IOException {
        long millis = notBeforeMillis;
        while (true) {
            Path path = dir.resolve(fileName(millis));
            if (Files.exists(dir.resolve(fileName(millis) + GZ), LinkOption.NOFOLLOW_LINKS)) {
                millis++;
                continue;
            }
            try {
                if (isPosix(dir)) {
                    FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(FILE_PERMISSIONS);
                    Files.createFile(path, mode);
                    Files.setPosixFilePermissions(path, FILE_PERMISSIONS);
                } else {
                    Files.createFile(path);
                }
                return new LogFile(path, millis);
            } catch (FileAlreadyExistsException e) {
                millis++;
            }
        }
    }

    /**
     * The log files in {@code dir}, oldest first; other files are ignored, and so are symbolic
     * links named like log files (never read, written or deleted through; counted in a warning).
     */
    static List<LogFile> list(Path dir) throws IOException {
        List<LogFile> files = new ArrayList<>();
        int links = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                Matcher matcher = NAME.matcher(entry.getFileName().toString());
                if (!matcher.matches()) {
                    continue;
                }
                if (Files.isSymbolicLink(entry)) {
                    links++;
                } else if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    files.add(new LogFile(entry, Long.parseLong(matcher.group(1))));
                }
            }
        }
        if (links > 0) {
            LOG.log(System.Logger.Level.WARNING, "skipped " + links + " symbolic link(s) named like log files in "
                    + dir.toAbsolutePath() + ": log files are never followed through links");
        }
        files.sort(Comparator.comparingLong(LogFile::startMillis));
        return files;
    }

    /** Opens a log file for reading, through gzip if it is compressed; never through a link. */
    static InputStream open(LogFile file) throws IOException {
        // NOFOLLOW_LINKS: a link swapped in after list() looked is not followed either.
        InputStream in = Files.newInputStream(file.path(), LinkOption.NOFOLLOW_LINKS);
        if (!file.compressed()) {
            return in;
        }
        try {
            return new GZIPInputStream(in, 64 * 1024);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /**
     * Splits a reader into lines like {@link BufferedReader#readLine()} ({@code \n} or
     * {@code \r\n}), but never holds more than {@link #MAX_LINE_CHARS} of one line, so a huge file
     * without newlines cannot exhaust the heap at start-up. Not thread-safe.
     */
    static final class LineReader implements AutoCloseable {
        /** The longest line kept: 16 Mi chars, far beyond any real log line. */
        static final int MAX_LINE_CHARS = 16 * 1024 * 1024;
        /** Returned (by identity) instead of a line that was longer than the limit. */
        static final String TOO_LONG = new String("<line too long>");

        private final Reader in;
        private final int maxLineChars;
        private final char[] buffer = new char[64 * 1024];
        private final StringBuilder line = new StringBuilder(512);
        private int position;
        private int limit;
        private boolean tooLong;

        LineReader(Reader in) {
            this(in, MAX_LINE_CHARS);
        }

        LineReader(Reader in, int maxLineChars) {
            this.in = in;
            this.maxLineChars = maxLineChars;
        }

        /** The next line without its terminator, {@link #TOO_LONG}, or null at the end. */
        String next() throws IOException {
            while (true) {
                if (position == limit) {
                    limit = in.read(buffer);
                    position = 0;
                    if (limit <= 0) {
                        limit = 0;
                        if (line.length() == 0 && !tooLong) {
                            return null;
                        }
                        return take(); // a last line without newline, e.g. a torn one
                    }
                }
                int start = position;
                while (position < limit && buffer[position] != '\n') {
                    position++;
                }
                if (position < limit && line.length() == 0 && !tooLong && position - start <= maxLineChars) {
                    // The whole line is in the buffer: one copy instead of two.
                    int end = position > start && buffer[position - 1] == '\r' ? position - 1 : position;
                    position++; // the newline
                    return new String(buffer, start, end - start);
                }
                append(start, position);
                if (position < limit) {
                    position++; // the newline
                    return take();
                }
            }
        }

        private void append(int from, int to) {
            if (tooLong) {
                return;
            }
            if (line.length() + (to - from) > maxLineChars) {
                tooLong = true;
                line.setLength(0);
                line.trimToSize();
            } else {
                line.append(buffer, from, to - from);
            }
        }

        private String take() {
            if (tooLong) {
                tooLong = false;
                return TOO_LONG;
            }
            int length = line.length();
            if (length > 0 && line.charAt(length - 1) == '\r') {
                length--;
            }
            String result = line.substring(0, length);
            line.setLength(0);
            return result;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    static boolean isPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
