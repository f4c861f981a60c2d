package io.containerlogging.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The log files on disk, kept as one list in memory: which exist, in which retention class, how
 * big, which are being written. Every change to the set of files (a new file, a compressed file
 * taking its plain one's place, a deletion for retention or for the disk budget) happens under
 * this catalog's lock, so the writer, the compressor and the cleanup never undo each other: a
 * compression finishing after the budget deleted its file would otherwise bring the file back.
 *
 * <p>A file's <em>end</em> (when its last line was written) is the time it was closed in this run,
 * else the start of the next file of its class, else (the newest file of a class left by an earlier
 * run) the earlier of its modification time (set from the backend's clock when it was closed, the
 * system's after a crash) and the start of this run: judged by names, times and the clock, never by
 * reading a file.
 *
 * <p>Thread-safety: all methods are thread-safe; {@link Deletions} is called outside the lock.
 */
final class FileCatalog {

    private static final System.Logger LOG = System.getLogger(FileCatalog.class.getName());

    /** The prefix of the directory of a retention class other than the default one. */
    static final String CLASS_DIR_PREFIX = "keep-";
    private static final Pattern CLASS_DIR = Pattern.compile("keep-(\\d{1,12})(ms|s|m|h|d)");

    /** A retention class: where its files live ({@code ""}: the log directory itself) and how long they are kept. */
    record FileClass(String dirName, Duration maxAge) {
        Path dir(Path logDir) {
            return dirName.isEmpty() ? logDir : logDir.resolve(dirName);
        }
    }

    /** One file. Fields other than {@code size} are guarded by the catalog's lock. */
    static final class Entry {
        final FileClass fileClass;
        final long startMillis;
        Path path;
        boolean compressed;
        volatile long size;
        boolean current;
        boolean deleted;
        long endMillis = -1;
        long modifiedMillis = Long.MAX_VALUE; // of a file found at start
        long firstSequence = -1;
        long lastSequence = -1;
        long lines = -1;

        Entry(FileClass fileClass, Path path, long startMillis, boolean compressed, long size) {
            this.fileClass = fileClass;
            this.path = path;
            this.startMillis = startMillis;
            this.compressed = compressed;
            this.size = size;
        }
    }

    /** Told about every file deleted, outside the catalog's lock. */
    interface Deletions {
        /**
         * @param entry the deleted file, with its id range and line count if known (else -1)
         * @param forBudget true if deleted to keep within the budget, false for its age
         */
        void deleted(Entry entry, boolean forBudget);
    }

    private final Path logDir;
    private final FileClass defaultClass;
    private final long maxTotalSize;
    private final long runStartMillis;
    private final Deletions deletions;
    private final Object lock = new Object();
    private final List<Entry> entries = new ArrayList<>(); // guarded by lock; by start time
    private Entry compressing; // guarded by lock: its compressed copy is being written
    private volatile Runnable observer = () -> { };

    private FileCatalog(Path logDir, FileClass defaultClass, long maxTotalSize, long runStartMillis,
            Deletions deletions) {
        this.logDir = logDir;
        this.defaultClass = defaultClass;
        this.maxTotalSize = maxTotalSize;
        this.runStartMillis = runStartMillis;
        this.deletions = deletions;
    }

    /**
     * Reads the files in {@code logDir} and its class directories. Tidies what a crash may leave:
     * a partial compressed file is deleted; a plain file whose compressed copy exists is deleted
     * (the copy is renamed into place only once complete and on the device).
     */
    static FileCatalog open(Path logDir, Duration defaultAge, long maxTotalSize, long runStartMillis,
            Deletions deletions) throws IOException {
        FileCatalog catalog = new FileCatalog(logDir, new FileClass("", defaultAge), maxTotalSize, runStartMillis,
                deletions);
        catalog.scan(catalog.defaultClass);
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(logDir)) {
            for (Path dir : dirs) {
                Matcher matcher = CLASS_DIR.matcher(dir.getFileName().toString());
                if (matcher.matches() && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    catalog.scan(new FileClass(dir.getFileName().toString(),
                            RetentionPolicy.duration(Long.parseLong(matcher.group(1)), matcher.group(2))));
                }
            }
        }
        catalog.entries.sort(Comparator.comparingLong(e -> e.startMillis));
        return catalog;
    }

    private void scan(FileClass fileClass) throws IOException {
        Path dir = fileClass.dir(logDir);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "container-manager-*" + LogFiles.PARTIAL)) {
            for (Path partial : files) {
                Files.deleteIfExists(partial);
            }
        }
        Map<Long, LogFiles.LogFile> compressed = new HashMap<>();
        List<LogFiles.LogFile> listed = LogFiles.list(dir);
        for (LogFiles.LogFile file : listed) {
            if (file.compressed()) {
                compressed.put(file.startMillis(), file);
            }
        }
        for (LogFiles.LogFile file : listed) {
            if (!file.compressed() && compressed.containsKey(file.startMillis())) {
                LOG.log(System.Logger.Level.INFO, "deleting " + file.path() + ": its compressed copy is complete");
                Files.deleteIfExists(file.path());
                continue;
            }
            Entry entry = new Entry(fileClass, file.path(), file.startMillis(), file.compressed(),
                    Files.size(file.path()));
            entry.modifiedMillis = Files.getLastModifiedTime(file.path(), LinkOption.NOFOLLOW_LINKS).toMillis();
            entries.add(entry);
        }
    }

    /** The class of files kept for {@code maxAge}: the default class, or a {@code keep-<age>} directory. */
    FileClass classFor(Duration maxAge) {
        if (maxAge.equals(defaultClass.maxAge())) {
            return defaultClass;
        }
        return new FileClass(CLASS_DIR_PREFIX + RetentionPolicy.label(maxAge), maxAge);
    }

    /** The files of every class, each list oldest first, for the reload. */
    List<List<LogFiles.LogFile>> filesByClass() {
        Map<FileClass, List<LogFiles.LogFile>> byClass = new HashMap<>();
        synchronized (lock) {
            for (Entry entry : entries) {
                byClass.computeIfAbsent(entry.fileClass, c -> new ArrayList<>())
                        .add(new LogFiles.LogFile(entry.path, entry.startMillis, entry.compressed));
            }
        }
        return new ArrayList<>(byClass.values());
    }

    /**
     * What one file is at one moment, for a {@link StoreReader}: copied under the lock, so that
     * "not current" means the writer had closed the file (written its last byte) before the copy.
     */
    record FileView(FileClass fileClass, long startMillis, Path path, boolean compressed, boolean current,
            long lastSequence) {
    }

    /** Every file now, by class, each class's files oldest first. */
    Map<FileClass, List<FileView>> viewsByClass() {
        Map<FileClass, List<FileView>> byClass = new HashMap<>();
        synchronized (lock) {
            for (Entry entry : entries) {
                byClass.computeIfAbsent(entry.fileClass, c -> new ArrayList<>()).add(new FileView(entry.fileClass,
                        entry.startMillis, entry.path, entry.compressed, entry.current, entry.lastSequence));
            }
        }
        return byClass;
    }

    /** The highest start time of any file, or 0. */
    long newestStartMillis() {
        synchronized (lock) {
            return entries.isEmpty() ? 0 : entries.get(entries.size() - 1).startMillis;
        }
    }

    /** Records what the reload found in whole files, so that the budget can take their lines from memory. */
    void ranges(Map<Path, LogFiles.FileRange> ranges) {
        synchronized (lock) {
            for (Entry entry : entries) {
                LogFiles.FileRange range = ranges.get(entry.path);
                if (range != null) {
                    entry.firstSequence = range.firstSequence();
                    entry.lastSequence = range.lastSequence();
                    entry.lines = range.lines();
                }
            }
        }
    }

    /** The plain files that are not being written: to compress. */
    List<Entry> plainClosedFiles() {
        List<Entry> plain = new ArrayList<>();
        synchronized (lock) {
            for (Entry entry : entries) {
                if (!entry.compressed && !entry.current) {
                    plain.add(entry);
                }
            }
        }
        return plain;
    }

    /** Adds the file the writer has just created for {@code fileClass}. */
    Entry added(FileClass fileClass, Path path, long startMillis) {
        Entry entry = new Entry(fileClass, path, startMillis, false, 0);
        entry.current = true;
        synchronized (lock) {
            entries.add(entry);
            if (entries.size() > 1 && entries.get(entries.size() - 2).startMillis > startMillis) {
                entries.sort(Comparator.comparingLong(e -> e.startMillis));
            }
            observer.run();
        }
        return entry;
    }

    /** The writer closed {@code entry}: its end, size, id range and line count. */
    void closed(Entry entry, long endMillis, long size, long firstSequence, long lastSequence, long lines) {
        synchronized (lock) {
            entry.current = false;
            entry.endMillis = endMillis;
            entry.size = size;
            entry.firstSequence = firstSequence;
            entry.lastSequence = lastSequence;
            entry.lines = lines;
        }
    }

    // ---- compression ----------------------------------------------------------------------------

    /**
     * Reserves room for the compressed copy of {@code entry} (as much as the file itself, a bound
     * gzip keeps to within a few bytes per block), deleting for the budget if needed.
     *
     * @return false if the file is gone or already compressed
     */
    boolean startCompression(Entry entry) {
        synchronized (lock) {
            if (entry.deleted || entry.compressed || entry.current) {
                return false;
            }
            compressing = entry;
        }
        enforceBudget();
        synchronized (lock) {
            if (entry.deleted) {
                compressing = null;
                return false;
            }
            return true;
        }
    }

    /** Where the compressed copy of {@code entry} is written before it takes the plain file's place. */
    static Path partialPath(Path plain) {
        return plain.resolveSibling(plain.getFileName() + LogFiles.GZ + LogFiles.PARTIAL);
    }

    /**
     * Puts the complete, forced compressed copy in place of the plain file: rename, force the
     * directory, delete the plain file. If the budget deleted the file meanwhile, deletes the copy.
     */
    void finishCompression(Entry entry, Path partial) throws IOException {
        synchronized (lock) {
            try {
                compressing = null;
                if (entry.deleted) {
                    Files.deleteIfExists(partial);
                    return;
                }
                Path plain = entry.path;
                Path compressedPath = plain.resolveSibling(plain.getFileName() + LogFiles.GZ);
                long size = Files.size(partial);
                Files.move(partial, compressedPath, StandardCopyOption.ATOMIC_MOVE);
                forceDirectory(plain.getParent());
                entry.path = compressedPath;
                entry.compressed = true;
                entry.size = size;
                Files.deleteIfExists(plain);
            } finally {
                observer.run();
            }
        }
    }

    /** Gives up the compression of {@code entry}: deletes the partial copy. */
    void abortCompression(Entry entry, Path partial) {
        synchronized (lock) {
            if (compressing == entry) {
                compressing = null;
            }
            try {
                Files.deleteIfExists(partial);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot delete " + partial + ": " + e);
            }
        }
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Some platforms cannot open a directory; the rename is still atomic there.
            LOG.log(System.Logger.Level.DEBUG, "cannot force directory " + dir + ": " + e);
        }
    }

    // ---- deletion -------------------------------------------------------------------------------

    /**
     * Deletes files until those on disk (the files being written included, and room reserved for a
     * compression under way) fit {@code maxTotalSize}: first the file that retention would delete
     * first (the earliest start plus its class's age; with one class, the oldest). Files being
     * written are never deleted.
     */
    void enforceBudget() {
        if (maxTotalSize == Long.MAX_VALUE) {
            return;
        }
        List<Entry> deleted = new ArrayList<>();
        synchronized (lock) {
            observer.run(); // the most there ever is on disk: just before the budget is enforced
            long total = compressing == null ? 0 : compressing.size;
            for (Entry entry : entries) {
                total += entry.size;
            }
            while (total > maxTotalSize) {
                Entry victim = null;
                for (Entry entry : entries) {
                    if (!entry.current && (victim == null || expiry(entry) < expiry(victim))) {
                        victim = entry;
                    }
                }
                if (victim == null) {
                    break; // only files being written: nothing may go
                }
                total -= victim.size;
                if (delete(victim)) {
                    deleted.add(victim);
                }
            }
            if (!deleted.isEmpty()) {
                observer.run();
            }
        }
        tell(deleted, true);
    }

    private static long expiry(Entry entry) {
        long age = entry.fileClass.maxAge().toMillis();
        return entry.startMillis > Long.MAX_VALUE - age ? Long.MAX_VALUE : entry.startMillis + age;
    }

    /**
     * Deletes every file whose lines were all written before {@code nowMillis} minus its class's
     * age (or minus {@code maxAge}, if given, for every class). Files being written are kept.
     *
     * @return how many files were deleted
     */
    int deleteExpired(long nowMillis, Duration maxAge) {
        List<Entry> deleted = new ArrayList<>();
        synchronized (lock) {
            Map<FileClass, Long> nextStart = new HashMap<>();
            List<Entry> expired = new ArrayList<>();
            for (int i = entries.size() - 1; i >= 0; i--) {
                Entry entry = entries.get(i);
                Long next = nextStart.put(entry.fileClass, entry.startMillis);
                if (entry.current) {
                    continue;
                }
                long end = entry.endMillis >= 0 ? entry.endMillis : next != null ? next
                        : Math.min(entry.modifiedMillis, runStartMillis);
                long age = (maxAge != null ? maxAge : entry.fileClass.maxAge()).toMillis();
                if (end <= nowMillis - age) {
                    expired.add(entry);
                }
            }
            for (Entry entry : expired) {
                if (delete(entry)) {
                    deleted.add(entry);
                }
            }
            if (!deleted.isEmpty()) {
                observer.run();
            }
        }
        tell(deleted, false);
        return deleted.size();
    }

    // Under lock. The entry leaves the list even if the file cannot be deleted: it is not tried again.
    private boolean delete(Entry entry) {
        entries.remove(entry);
        entry.deleted = true;
        try {
            Files.deleteIfExists(entry.path);
            return true;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete log file " + entry.path + ": " + e);
            return false;
        }
    }

    // ---- observation ----------------------------------------------------------------------------

    /** What is on disk now: file count, compressed file count, bytes (the files being written at their size so far). */
    record Usage(int files, int compressedFiles, long bytes) {
    }

    Usage usage() {
        synchronized (lock) {
            int compressedFiles = 0;
            long bytes = 0;
            for (Entry entry : entries) {
                bytes += entry.size;
                if (entry.compressed) {
                    compressedFiles++;
                }
            }
            return new Usage(entries.size(), compressedFiles, bytes);
        }
    }

    /** For tests: runs {@code observer} under the lock whenever files are added, replaced or deleted. */
    void observer(Runnable observer) {
        this.observer = () -> {
            try {
                observer.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "file catalog observer failed", e);
            }
        };
    }

    // Every deleted file is told, even if telling one of them fails: memory must follow the disk.
    private void tell(List<Entry> deleted, boolean forBudget) {
        for (Entry entry : deleted) {
            try {
                deletions.deleted(entry, forBudget);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "after deleting " + entry.path, e);
            }
        }
    }
}
