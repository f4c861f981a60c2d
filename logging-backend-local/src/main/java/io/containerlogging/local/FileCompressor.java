package io.containerlogging.local;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Compresses rotated log files with gzip on a thread of its own, so that neither {@code log()} nor
 * the file writer ever waits for it: {@code container-manager-<ms>.log} becomes
 * {@code container-manager-<ms>.log.gz}.
 *
 * <p>Crash-safe by order: the compressed copy is written to {@code <name>.log.gz.tmp} (0600), forced
 * to the device, renamed into place, the directory forced, and only then the plain file deleted
 * (all through {@link FileCatalog#finishCompression}). A crash at any moment leaves the plain file,
 * or the complete compressed one, or both (the plain one is then deleted at the next start), and
 * at most a partial {@code .tmp}, deleted at the next start.
 *
 * <p>While the file writer has a backlog (a flood), compression pauses, at most
 * {@link #MAX_PAUSE_NANOS} per 64 KiB: {@code log()} and the writer come first.
 *
 * <p>Thread-safety: {@link #submit} from any thread; one compression at a time.
 */
final class FileCompressor implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(FileCompressor.class.getName());

    private static final int BUFFER = 64 * 1024;
    /** What {@code GZIPOutputStream} writes first: magic, deflate, no flags, no time, OS 0. */
    private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 0};
    private static final byte[] NO_INPUT = new byte[0];
    /**
     * The longest compression waits for a writer with a backlog, per 64 KiB: on two cores,
     * compressing alongside a flood halved the writer's rate (docs/BENCHMARKS.md); a bounded pause
     * still lets a flood that never ends be compressed, slowly.
     */
    static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long PAUSE_STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Queued by {@link #close}: the thread stops when it takes it (files queued before it stay plain). */
    private static final FileCatalog.Entry STOP = new FileCatalog.Entry(null, null, 0, false, 0);

    private final FileCatalog catalog;
    private final int level;
    private final java.util.function.BooleanSupplier writerBehind;
    private final Thread thread;
    private final LinkedBlockingQueue<FileCatalog.Entry> queue = new LinkedBlockingQueue<>();
    private final AtomicLong compressedFiles = new AtomicLong();
    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong bytesOut = new AtomicLong();
    private final AtomicLong cpuNanos = new AtomicLong();
    private volatile boolean stopping;
    // The compression thread's, allocated once: 128 KiB outside the heap.
    private final ByteBuffer inputBuffer = ByteBuffer.allocateDirect(BUFFER);
    private final ByteBuffer outputBuffer = ByteBuffer.allocateDirect(BUFFER);

    /**
     * @param writerBehind whether the file writer has a backlog right now: then compression waits
     *     (up to {@link #MAX_PAUSE_NANOS} per 64 KiB), leaving the CPU to the writer
     */
    FileCompressor(FileCatalog catalog, int level, java.util.function.BooleanSupplier writerBehind,
            ThreadFactory threadFactory) {
        this.catalog = catalog;
        this.level = level;
        this.writerBehind = writerBehind;
        this.thread = threadFactory.newThread(this::run);
    }

    void start() {
        thread.start();
    }

    /** Compresses {@code entry} when the thread gets to it (skipped if it is deleted meanwhile). */
    void submit(FileCatalog.Entry entry) {
        queue.add(entry);
    }

    /** Files compressed, plain bytes read, compressed bytes written, CPU time spent (ns). */
    long[] counters() {
        return new long[] {compressedFiles.get(), bytesIn.get(), bytesOut.get(), cpuNanos.get()};
    }

    private void run() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        boolean cpu = threads.isCurrentThreadCpuTimeSupported();
        while (!stopping) {
            FileCatalog.Entry entry;
            try {
                // No timeout: submit() or close() wakes it. A 100 ms poll for the stop flag made
                // every close() wait up to 100 ms (every round of the forwarding benchmarks paid
                // it, docs/BENCHMARKS.md) and woke an idle backend ten times a second.
                entry = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (entry == STOP || stopping) {
                return;
            }
            long before = cpu ? threads.getCurrentThreadCpuTime() : 0;
            try {
                compress(entry);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "log file compression failed; continuing", e);
            }
            if (cpu) {
                cpuNanos.addAndGet(threads.getCurrentThreadCpuTime() - before);
            }
        }
    }

    private void compress(FileCatalog.Entry entry) {
        if (!catalog.startCompression(entry)) {
            return;
        }
        Path plain = entry.path; // set before startCompression returned, under the catalog's lock
        Path partial = FileCatalog.partialPath(plain);
        long read = 0;
        try {
            Files.deleteIfExists(partial);
            try (FileChannel in = FileChannel.open(plain, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
                    FileChannel channel = create(partial)) {
                read = gzip(in, channel);
                channel.force(true);
            }
            Files.setLastModifiedTime(partial, Files.getLastModifiedTime(plain)); // when its last line was written
            long written = Files.size(partial);
            catalog.finishCompression(entry, partial);
            compressedFiles.incrementAndGet();
            bytesIn.addAndGet(read);
            bytesOut.addAndGet(written);
        } catch (IOException e) {
            catalog.abortCompression(entry, partial);
            if (!stopping) {
                LOG.log(System.Logger.Level.WARNING, "cannot compress " + plain + " (kept as it is): " + e);
            }
        }
    }

    /**
     * Writes {@code in} to {@code out} as one gzip member (the header and trailer
     * {@code GZIPOutputStream} writes); returns the bytes read.
     *
     * <p>Why not {@code GZIPOutputStream}: it hands the deflater Java arrays, which zlib reads and
     * writes inside a JNI critical region, and while one is open the collector cannot run. The
     * example server's heap grows when it must (issue 19): allocations that found the young
     * generation full during a compression went to the old one instead, and a 12 MB heap grew to
     * 25–33 MB (81 MB resident at peak instead of 59, `-Xlog:gc*`: "GCLocker Initiated GC").
     * Direct buffers need no critical region.
     */
    long gzip(FileChannel in, FileChannel out) throws IOException {
        ByteBuffer input = inputBuffer;
        ByteBuffer output = outputBuffer;
        Deflater deflater = new Deflater(level, true);
        CRC32 crc = new CRC32();
        long read = 0;
        try {
            writeFully(out, ByteBuffer.wrap(GZIP_HEADER));
            while (true) {
                input.clear();
                if (in.read(input) < 0) {
                    break;
                }
                input.flip();
                read += input.remaining();
                crc.update(input.duplicate());
                deflater.setInput(input);
                while (!deflater.needsInput()) {
                    deflate(deflater, output, out);
                }
                // The deflater keeps the buffer and reads whatever it holds when asked again:
                // take it back before the buffer is refilled (or cleared at the end).
                deflater.setInput(NO_INPUT);
                yieldToWriter();
            }
            deflater.finish();
            while (!deflater.finished()) {
                deflate(deflater, output, out);
            }
            ByteBuffer trailer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            trailer.putInt((int) crc.getValue()).putInt((int) read).flip();
            writeFully(out, trailer);
            return read;
        } finally {
            deflater.end();
        }
    }

    private static void deflate(Deflater deflater, ByteBuffer output, FileChannel out) throws IOException {
        output.clear();
        deflater.deflate(output);
        output.flip();
        writeFully(out, output);
    }

    private static void writeFully(FileChannel channel, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    private void yieldToWriter() {
        long start = System.nanoTime();
        while (!stopping && writerBehind.getAsBoolean() && System.nanoTime() - start < MAX_PAUSE_NANOS) {
            java.util.concurrent.locks.LockSupport.parkNanos(PAUSE_STEP_NANOS);
        }
    }

    private static FileChannel create(Path path) throws IOException {
        EnumSet<StandardOpenOption> options = EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        if (LogFiles.isPosix(path.getParent())) {
            FileChannel channel = FileChannel.open(path, options,
                    PosixFilePermissions.asFileAttribute(LogFiles.FILE_PERMISSIONS));
            Files.setPosixFilePermissions(path, LogFiles.FILE_PERMISSIONS); // the umask may have narrowed it
            return channel;
        }
        return FileChannel.open(path, options);
    }

    /**
     * Finishes the file being compressed (at most {@code timeout}), then stops; files still queued
     * stay plain and are compressed at the next start. Safe to call twice.
     */
    void close(Duration timeout) {
        stopping = true;
        if (thread.getState() == Thread.State.NEW) {
            return;
        }
        queue.add(STOP);
        try {
            thread.join(TimeUnit.NANOSECONDS.toMillis(timeout.toNanos()) + 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt(); // closes its file channel: the partial copy is deleted
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
