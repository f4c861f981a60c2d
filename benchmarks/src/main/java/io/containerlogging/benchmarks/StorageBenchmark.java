package io.containerlogging.benchmarks;

import io.containerlogging.core.LogMessage;
import io.containerlogging.local.LocalLogBackend;
import io.containerlogging.local.StorageStatistics;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Local storage (issue 16): what compression costs and saves. Three modes:
 *
 * <ul>
 *   <li>{@code lines N sample|seq|varied}: prints the texts of the N messages, one per line, for a
 *       container to print ({@code scripts/bench/storage.sh} measures Docker's json-file of them).</li>
 *   <li>{@code compress N sample|seq|varied [dockerBytes]}: writes N messages through a backend with 10 MiB
 *       files, compression off; then gzips those files at deflate levels 1 (the backend's default), 6
 *       and 9, three times each, and prints the ratio, the compressing thread's CPU time per 1M
 *       messages and the bytes per message; then writes them again with compression on and prints
 *       the bytes on disk per message once every rotated file is compressed, and, given
 *       {@code dockerBytes} (the size of Docker's json-file log of the same lines), the ratio.</li>
 *   <li>{@code reload N rounds}: the same N sample messages in plain files and in the same files
 *       gzip-compressed (level 1, the default); times {@code initialize()} (maxLogs N) of each, alternating, and prints the
 *       medians and their ratio.</li>
 * </ul>
 *
 * <p>The kinds of lines: {@code sample} ({@link SampleMessages}: 100-character request lines, padded
 * with {@code x}, so they compress better than most real logs), {@code seq} (the lines of
 * {@code seq 1 N} from one container) and {@code varied} (application log lines with a timestamp,
 * level, thread, logger, random request ids, user ids, latencies and paths, 90–160 characters: a
 * harder, more typical case).
 *
 * <p>Run: {@code java -Xmx3g -cp benchmarks/target/benchmarks.jar
 * io.containerlogging.benchmarks.StorageBenchmark compress 1000000 sample}.
 */
public final class StorageBenchmark {

    private StorageBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int count = Integer.parseInt(args[1]);
        switch (mode) {
            case "lines":
                printLines(count, args[2]);
                break;
            case "compress":
                compress(count, args[2], args.length > 3 ? Long.parseLong(args[3]) : 0);
                break;
            case "reload":
                reload(count, args.length > 2 ? Integer.parseInt(args[2]) : 5);
                break;
            default:
                throw new IllegalArgumentException("mode: lines, compress or reload");
        }
    }

    /** The messages of a run: see the class documentation for the kinds. */
    static LogMessage[] messages(int count, String kind) {
        LogMessage[] messages = SampleMessages.messages(count);
        if (!kind.equals("sample")) {
            for (int i = 0; i < count; i++) {
                messages[i] = messages[i].toBuilder().message(text(kind, i)).build();
                if (kind.equals("seq")) { // one container, stdout
                    messages[i] = SampleMessages.message(0).toBuilder().message(text(kind, i))
                            .timestamp(messages[i].timestamp()).stdErr(false).build();
                }
            }
        }
        return messages;
    }

    private static final String[] LEVELS = {"INFO ", "INFO ", "INFO ", "DEBUG", "WARN ", "ERROR"};
    private static final String[] LOGGERS = {"o.s.web.servlet.DispatcherServlet", "c.e.orders.OrderService",
        "c.e.payments.PaymentClient", "o.h.engine.jdbc.spi.SqlExceptionHelper", "c.e.auth.TokenFilter",
        "i.n.channel.DefaultChannelPipeline"};
    private static final String[] PATHS = {"/api/v1/orders/", "/api/v1/users/", "/api/v1/payments/",
        "/healthz", "/api/v2/cart/items/", "/static/app."};

    /** The text of message {@code i} of {@code kind}; {@code varied} is the same for the same {@code i}. */
    static String text(String kind, long i) {
        switch (kind) {
            case "sample":
                return SampleMessages.text(i);
            case "seq":
                return Long.toString(i + 1);
            default:
                java.util.SplittableRandom random = new java.util.SplittableRandom(i * 0x9E3779B97F4A7C15L);
                long millis = 1_764_950_400_000L + i * 3 + random.nextInt(3);
                String path = PATHS[random.nextInt(PATHS.length)];
                StringBuilder line = new StringBuilder(160)
                        .append(java.time.Instant.ofEpochMilli(millis)).append(' ')
                        .append(LEVELS[random.nextInt(LEVELS.length)]).append(" [http-nio-8080-exec-")
                        .append(1 + random.nextInt(200)).append("] ").append(LOGGERS[random.nextInt(LOGGERS.length)])
                        .append(" - ").append(random.nextBoolean() ? "GET " : "POST ").append(path);
                if (path.endsWith("/")) {
                    line.append(random.nextInt(1_000_000));
                } else if (path.endsWith(".")) {
                    line.append(Long.toHexString(random.nextLong())).append(".js");
                }
                line.append(" status=").append(random.nextInt(10) == 0 ? 500 : 200)
                        .append(" dur=").append(random.nextInt(2000)).append("ms req=")
                        .append(Long.toHexString(random.nextLong())).append(Long.toHexString(random.nextLong()));
                if (random.nextInt(4) == 0) {
                    line.append(" user=u").append(random.nextInt(50_000));
                }
                return line.toString();
        }
    }

    private static void printLines(int count, String kind) throws IOException {
        try (BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8),
                1 << 16)) {
            for (int i = 0; i < count; i++) {
                out.write(text(kind, i));
                out.write('\n');
            }
        }
    }

    private static void compress(int count, String kind, long dockerBytes) throws Exception {
        LogMessage[] messages = messages(count, kind);
        Path plain = Files.createTempDirectory("container-logging-storage-bench");
        Path compressed = Files.createTempDirectory("container-logging-storage-bench");
        try {
            write(plain, messages, false);
            List<Path> files = logFiles(plain);
            long plainBytes = size(files);
            System.out.printf("%s: %d messages, %d plain NDJSON files, %d bytes, %.1f bytes/message%n",
                    kind, count, files.size(), plainBytes, (double) plainBytes / count);
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            for (int level : new int[] {1, 6, 9}) {
                long[] cpu = new long[3];
                long out = 0;
                for (int round = 0; round < cpu.length; round++) {
                    long before = threads.getCurrentThreadCpuTime();
                    out = 0;
                    for (Path file : files) {
                        out += gzip(file, level, OutputStream.nullOutputStream());
                    }
                    cpu[round] = threads.getCurrentThreadCpuTime() - before;
                }
                Arrays.sort(cpu);
                System.out.printf("level %d: ratio %.1f, %.1f bytes/message, CPU per 1M messages median=%d ms"
                        + " min=%d max=%d (%.0f MB/s of plain NDJSON)%n", level, (double) plainBytes / out,
                        (double) out / count, cpu[1] * 1_000_000L / count / 1_000_000,
                        cpu[0] * 1_000_000L / count / 1_000_000, cpu[2] * 1_000_000L / count / 1_000_000,
                        plainBytes / (cpu[1] / 1e9) / 1e6);
            }
            StorageStatistics storage = write(compressed, messages, true);
            long onDisk = size(logFiles(compressed));
            System.out.printf("backend with compression: %d files (%d compressed), %d bytes on disk, %.1f bytes/message,"
                    + " compression thread CPU %d ms%n", storage.files(), storage.compressedFiles(), onDisk,
                    (double) onDisk / count, storage.compressionCpuNanos() / 1_000_000);
            if (dockerBytes > 0) {
                System.out.printf("docker json-file: %d bytes, %.1f bytes/message; backend/docker bytes=%.3f%n",
                        dockerBytes, (double) dockerBytes / count, (double) onDisk / dockerBytes);
            }
        } finally {
            delete(plain);
            delete(compressed);
        }
    }

    /** Writes the messages through a backend; with compression, waits until every rotated file is compressed. */
    private static StorageStatistics write(Path dir, LogMessage[] messages, boolean compress) throws Exception {
        LocalLogBackend backend = LocalLogBackend.builder().maxLogs(Math.min(messages.length, 100_000))
                .enableFilePersistence(true).logDir(dir).compressRotatedFiles(compress).build();
        backend.initialize();
        for (LogMessage message : messages) {
            backend.log(message);
        }
        StorageStatistics storage = backend.storageStatistics();
        while (compress && storage.compressedFiles() < storage.files() - 1) {
            Thread.sleep(20);
            storage = backend.storageStatistics();
        }
        backend.close();
        return storage;
    }

    private static long gzip(Path file, int level, OutputStream sink) throws IOException {
        CountingStream counter = new CountingStream(sink);
        try (OutputStream out = new GZIPOutputStream(counter, 1 << 16) {
            {
                def.setLevel(level);
            }
        }) {
            Files.copy(file, out);
        }
        return counter.count;
    }

    private static void reload(int count, int rounds) throws Exception {
        LogMessage[] messages = messages(count, "sample");
        Path plain = Files.createTempDirectory("container-logging-reload-plain");
        Path compressed = Files.createTempDirectory("container-logging-reload-gz");
        try {
            write(plain, messages, false);
            for (Path file : logFiles(plain)) {
                try (OutputStream out = Files.newOutputStream(compressed.resolve(file.getFileName() + ".gz"))) {
                    gzip(file, 1, out); // the backend's default level
                }
            }
            System.out.printf("plain %d bytes, compressed %d bytes%n", size(logFiles(plain)), size(logFiles(compressed)));
            long[] plainMillis = new long[rounds];
            long[] gzMillis = new long[rounds];
            for (int round = 0; round < rounds; round++) {
                plainMillis[round] = timeReload(plain, count);
                gzMillis[round] = timeReload(compressed, count);
                System.out.printf("round %d: plain %d ms, compressed %d ms%n", round, plainMillis[round],
                        gzMillis[round]);
            }
            Arrays.sort(plainMillis);
            Arrays.sort(gzMillis);
            System.out.printf("reload plain median=%d min=%d max=%d | compressed median=%d min=%d max=%d"
                    + " | ratio %.2f (ms, %d rounds)%n", plainMillis[rounds / 2], plainMillis[0],
                    plainMillis[rounds - 1], gzMillis[rounds / 2], gzMillis[0], gzMillis[rounds - 1],
                    (double) gzMillis[rounds / 2] / plainMillis[rounds / 2], rounds);
        } finally {
            delete(plain);
            delete(compressed);
        }
    }

    // Copies the directory first: a start adds a file and compresses the last run's plain ones.
    private static long timeReload(Path source, int count) throws Exception {
        Path dir = Files.createTempDirectory("container-logging-reload-run");
        try {
            for (Path file : logFiles(source)) {
                Files.copy(file, dir.resolve(file.getFileName()));
            }
            LocalLogBackend reader = LocalLogBackend.builder().maxLogs(count).enableFilePersistence(true)
                    .logDir(dir).compressRotatedFiles(false).build();
            long start = System.nanoTime();
            reader.initialize();
            long millis = (System.nanoTime() - start) / 1_000_000;
            long reloaded = reader.count();
            reader.close();
            if (reloaded != count) {
                throw new IllegalStateException("reloaded " + reloaded + " of " + count);
            }
            System.gc();
            return millis;
        } finally {
            delete(dir);
        }
    }

    static List<Path> logFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("container-manager-\\d+\\.log(\\.gz)?"))
                    .sorted().collect(Collectors.toList());
        }
    }

    private static long size(List<Path> files) throws IOException {
        long total = 0;
        for (Path file : files) {
            total += Files.size(file);
        }
        return total;
    }

    static void delete(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private static final class CountingStream extends OutputStream {
        private final OutputStream out;
        long count;

        CountingStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
