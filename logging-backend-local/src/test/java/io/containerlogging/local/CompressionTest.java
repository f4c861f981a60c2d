package io.containerlogging.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.LogSource;
import io.containerlogging.tck.MutableClock;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Rotated files are gzip-compressed off the write path, read back transparently, and survive damage and crashes. */
@Timeout(60)
class CompressionTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(NOW);
    private final List<LocalLogBackend> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(LocalLogBackend::close);
    }

    private LocalLogBackend start(LocalLogBackend.Builder builder) throws IOException {
        LocalLogBackend backend = builder.build();
        opened.add(backend);
        backend.initialize();
        return backend;
    }

    private LocalLogBackend.Builder persistent() {
        return LocalLogBackend.builder().enableFilePersistence(true).logDir(dir).clock(clock);
    }

    private static LogMessage line(String text, Instant timestamp) {
        return new LogMessage(null, text, timestamp, LogLevel.INFO, LogSource.container("web"), 1, "web",
                "c0ffee", false, false, null);
    }

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("container-manager-"))
                    .sorted().collect(Collectors.toList());
        }
    }

    private static void writeGzip(Path file, String content) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A plain file name from {@code millisAgo} before now: file names carry when a file was started. */
    private static String name(long millisAgo) {
        return "container-manager-" + (NOW.toEpochMilli() - millisAgo) + ".log";
    }

    private static String json(String text, long id) {
        return LogJson.toJson(line(text, NOW.minusSeconds(10)).withId("log-" + id)) + "\n";
    }

    @Test
    @DisplayName("an idle compressor waits for work without a timeout, and close() ends it at once")
    void idleCompressorIsWokenByClose() throws IOException {
        // Guards against the compressor polling its queue every 100 ms for the stop flag: close()
        // then waited up to 100 ms for the poll to run out, in every forwarding benchmark round.
        RecordingThreadFactory threads = new RecordingThreadFactory();
        LocalLogBackend backend = start(persistent().maxFileSize(2000).threadFactory(threads)
                .closeTimeout(Duration.ofHours(1)));
        for (int i = 0; i < 100; i++) {
            backend.log(line("message number " + i, NOW));
        }
        backend.flush();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> {
            StorageStatistics storage = backend.storageStatistics();
            return storage.files() > 2 && storage.compressedFiles() == storage.files() - 1;
        });
        Thread compressor = threads.threads.stream()
                .filter(t -> java.util.Arrays.stream(t.getStackTrace())
                        .anyMatch(f -> f.getClassName().equals(FileCompressor.class.getName())))
                .findFirst().orElseThrow();

        // WAITING, not TIMED_WAITING: nothing but a file to compress or close() wakes it
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> compressor.getState() == Thread.State.WAITING);
        backend.close();

        assertThat(compressor.isAlive()).isFalse(); // close() joined it, with an hour to spare
    }

    @Test
    @DisplayName("rotated files become container-manager-<ms>.log.gz (0600) in the background; the file being written stays plain")
    void rotatedFilesAreCompressed() throws IOException {
        LocalLogBackend backend = start(persistent().maxFileSize(2000));
        List<LogMessage> stored = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            stored.add(backend.log(line("message number " + i, NOW)));
        }
        backend.flush();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> {
            StorageStatistics storage = backend.storageStatistics();
            return storage.files() > 5 && storage.compressedFiles() == storage.files() - 1;
        });

        List<String> names = names();
        assertThat(names.subList(0, names.size() - 1)).allMatch(n -> n.matches("container-manager-\\d+\\.log\\.gz"));
        assertThat(names).filteredOn(n -> n.endsWith(".log")).hasSize(1);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith("container-manager-")))
                    .allSatisfy(f -> assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                            .isEqualTo("rw-------"));
        }
        List<String> lines = new ArrayList<>();
        for (String name : names) {
            lines.addAll(LocalLogBackendPersistenceTest.readLines(dir.resolve(name)));
        }
        assertThat(lines.stream().map(LogJson::fromJson).collect(Collectors.toList())).isEqualTo(stored);
        StorageStatistics storage = backend.storageStatistics();
        assertThat(storage.compressedBytesOut()).isPositive().isLessThan(storage.compressedBytesIn());
        backend.close();

        LocalLogBackend second = start(persistent());
        assertThat(second.getLogs(LogQuery.all())).isEqualTo(stored);
        assertThat(second.statistics().skipped()).isZero();
        // the file the first run was writing is compressed now
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> names().stream().filter(n -> n.endsWith(".log")).count() == 1);
    }

    @Test
    @DisplayName("a truncated or corrupt .gz is skipped and counted, and the start succeeds with everything else")
    void tornCompressedFile() throws IOException {
        Files.createDirectories(dir);
        StringBuilder torn = new StringBuilder();
        for (int i = 1; i <= 2000; i++) {
            torn.append(json("torn " + i, i));
        }
        Path tornFile = dir.resolve(name(1000) + ".gz");
        writeGzip(tornFile, torn.toString());
        byte[] whole = Files.readAllBytes(tornFile);
        Files.write(tornFile, java.util.Arrays.copyOf(whole, whole.length / 2)); // a crash mid-copy, minus the rename
        byte[] garbage = new byte[3000];
        new java.util.Random(7).nextBytes(garbage);
        Files.write(dir.resolve(name(2000) + ".gz"), garbage);
        writeGzip(dir.resolve(name(3000) + ".gz"), json("good", 5000));

        LocalLogBackend backend = start(persistent().maxLogs(10_000));

        List<LogMessage> reloaded = backend.getLogs(LogQuery.builder().serviceName("web").build());
        assertThat(reloaded).last().extracting(LogMessage::message).isEqualTo("good");
        // what came before the damage is kept, in order, with no line cut in half
        List<String> fromTorn = reloaded.stream().map(LogMessage::message).filter(m -> m.startsWith("torn "))
                .collect(Collectors.toList());
        assertThat(fromTorn).isNotEmpty().hasSizeLessThan(2000);
        for (int i = 0; i < fromTorn.size(); i++) {
            assertThat(fromTorn.get(i)).isEqualTo("torn " + (i + 1));
        }
        assertThat(backend.statistics().skipped()).isEqualTo(2);
        // log-5001 is the report of the skipped lines
        assertThat(backend.log(line("next", NOW)).id()).isEqualTo("log-5002");
    }

    @Test
    @DisplayName("after a crash between rename and delete, the plain file goes and its lines are there once; a partial .tmp goes")
    void crashLeftovers() throws IOException {
        Files.createDirectories(dir);
        String content = json("a", 1) + json("b", 2);
        Files.writeString(dir.resolve(name(1000)), content);
        writeGzip(dir.resolve(name(1000) + ".gz"), content);
        Files.write(dir.resolve(name(2000) + ".gz.tmp"), new byte[] {31, -117, 8});
        Files.writeString(dir.resolve(name(2000)), json("c", 3));

        LocalLogBackend backend = start(persistent());

        assertThat(backend.getLogs(LogQuery.all())).extracting(LogMessage::message).containsExactly("a", "b", "c");
        assertThat(dir.resolve(name(1000))).doesNotExist();
        assertThat(backend.statistics().skipped()).isZero();
        // the plain file left by the crash is compressed now (the .tmp replaced by a complete copy)
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> Files.exists(dir.resolve(name(2000) + ".gz"))
                        && !Files.exists(dir.resolve(name(2000)))
                        && !Files.exists(dir.resolve(name(2000) + ".gz.tmp")));
        backend.close();
        LocalLogBackend second = start(persistent());
        assertThat(second.getLogs(LogQuery.all())).extracting(LogMessage::message).containsExactly("a", "b", "c");
    }

    @Test
    @DisplayName("reloads a million messages across compressed files")
    void reloadsAMillion() throws IOException {
        int total = 1_000_000;
        LocalLogBackend first = start(persistent().maxLogs(20_000));
        for (int i = 0; i < total; i++) {
            first.log(line(Integer.toString(i), NOW));
        }
        first.flush();
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(50)).until(() -> {
            StorageStatistics storage = first.storageStatistics();
            return storage.compressedFiles() == storage.files() - 1;
        });
        assertThat(first.storageStatistics().compressedFiles()).isGreaterThan(5);
        first.close();

        LocalLogBackend second = start(persistent().maxLogs(total));

        assertThat(second.count()).isEqualTo(total);
        assertThat(second.statistics().skipped()).isZero();
        List<LogMessage> ends = second.getLogs(LogQuery.builder().limit(1).build());
        assertThat(ends).extracting(LogMessage::message).containsExactly(Integer.toString(total - 1));
        assertThat(second.getLogs(LogQuery.all()).get(0))
                .extracting(LogMessage::message, LogMessage::id).containsExactly("0", "log-1");
    }
}
