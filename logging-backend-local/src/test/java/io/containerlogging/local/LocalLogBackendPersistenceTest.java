package io.containerlogging.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.awaitility.Awaitility.await;

import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.LogSource;
import io.containerlogging.core.SourceType;
import io.containerlogging.tck.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** LocalLogBackend's files: format, flushing, rotation, reload, damage, retention, permissions. */
@Timeout(30)
class LocalLogBackendPersistenceTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path tempDir;

    private final MutableClock clock = new MutableClock(NOW);
    private final List<LocalLogBackend> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(LocalLogBackend::close);
    }

    private Path logDir() {
        return tempDir.resolve("logs");
    }

    private LocalLogBackend.Builder persistent() {
        return LocalLogBackend.builder().enableFilePersistence(true).logDir(logDir()).clock(clock);
    }

    private LocalLogBackend start(LocalLogBackend.Builder builder) throws IOException {
        LocalLogBackend backend = builder.build();
        opened.add(backend);
        backend.initialize();
        return backend;
    }

    private static LogMessage line(String text, Instant timestamp) {
        return new LogMessage(null, text, timestamp, LogLevel.INFO, LogSource.container("web"), 1, "web",
                "c0ffee", false, false, null);
    }

    // Rotated files are compressed in the background: a file is container-manager-<ms>.log or,
    // later, container-manager-<ms>.log.gz; the helpers read both, by the number in the name.
    private List<Path> logFiles() throws IOException {
        try (Stream<Path> files = Files.list(logDir())) {
            // One path per file: while a file is being compressed its plain and its compressed copy
            // exist together for a moment (the copy is renamed into place, then the plain deleted).
            java.util.Map<Long, Path> byStart = new java.util.TreeMap<>();
            files.filter(f -> f.getFileName().toString().matches("container-manager-\\d+\\.log(\\.gz)?"))
                    .forEach(f -> byStart.merge(startMillis(f), f, (a, b) -> a.toString().endsWith(".gz") ? b : a));
            return new ArrayList<>(byStart.values());
        }
    }

    private static long startMillis(Path file) {
        return Long.parseLong(file.getFileName().toString().replaceAll("\\D", ""));
    }

    /** The lines of a log file, decompressed; the compressed copy if the plain file was just compressed. */
    static List<String> readLines(Path file) throws IOException {
        Path plain = Path.of(file.toString().replaceFirst("\\.gz$", ""));
        Path compressed = Path.of(plain + ".gz");
        if (Files.exists(plain)) {
            try {
                return Files.readAllLines(plain, StandardCharsets.UTF_8);
            } catch (java.nio.file.NoSuchFileException e) {
                // compressed meanwhile
            }
        }
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(compressed))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().collect(Collectors.toList());
        }
    }

    /** Neither the plain file nor its compressed copy exists. */
    private static void assertGone(Path file) {
        Path plain = Path.of(file.toString().replaceFirst("\\.gz$", ""));
        assertThat(plain).doesNotExist();
        assertThat(Path.of(plain + ".gz")).doesNotExist();
    }

    /** The plain file or its compressed copy exists (the compressor may be renaming it right now). */
    private static void assertKept(Path plain) {
        Path compressed = Path.of(plain + ".gz");
        assertThat(Files.exists(plain) || Files.exists(compressed)).as("%s or its .gz exists", plain).isTrue();
    }

    private List<String> allLines() throws IOException {
        List<String> lines = new ArrayList<>();
        for (Path file : logFiles()) {
            lines.addAll(readLines(file));
        }
        return lines;
    }

    private static List<String> texts(List<LogMessage> messages) {
        return messages.stream().map(LogMessage::message).collect(Collectors.toList());
    }

    private void writeFile(long startMillis, String content) throws IOException {
        Files.createDirectories(logDir());
        Files.writeString(logDir().resolve("container-manager-" + startMillis + ".log"), content);
    }

    @Nested
    @DisplayName("Writing")
    class Writing {

        @Test
        @DisplayName("writes one JSON line per message to container-manager-<epoch-ms>.log, named by the clock")
        void ndjsonFiles() throws IOException {
            LocalLogBackend backend = start(persistent());
            List<LogMessage> stored = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                stored.add(backend.log(line("line\n" + i + " ünï", NOW.plusNanos(i))));
            }
            backend.close();

            assertThat(logFiles()).extracting(p -> p.getFileName().toString())
                    .containsExactly("container-manager-" + NOW.toEpochMilli() + ".log");
            List<String> lines = allLines();
            assertThat(lines).hasSize(5);
            assertThat(lines.stream().map(LogJson::fromJson).collect(Collectors.toList())).isEqualTo(stored);
        }

        @Test
        @DisplayName("flushes on the flush interval without waiting for close")
        void flushesOnInterval() throws IOException {
            LocalLogBackend backend = start(persistent().flushInterval(Duration.ofMillis(50)));

            LogMessage stored = backend.log(line("soon on disk", NOW));

            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> allLines().size() == 1);
            assertThat(LogJson.fromJson(allLines().get(0))).isEqualTo(stored);
        }

        @Test
        @DisplayName("flushes what is pending on close, even with a long flush interval")
        void flushesOnClose() throws IOException {
            RecordingThreadFactory threads = new RecordingThreadFactory();
            LocalLogBackend backend = start(persistent().flushInterval(Duration.ofHours(1)).threadFactory(threads));
            for (int i = 0; i < 3000; i++) {
                backend.log(line("m" + i, NOW));
            }

            backend.close();

            assertThat(allLines()).hasSize(3000);
            // the host's factory made the writer, the syncer, the compressor and the cleanup thread,
            // under the host's names
            assertThat(threads.threads).hasSize(4);
            assertThat(threads.names()).noneMatch(name -> name.startsWith("container-logging-"));
            // the cleanup executor reports termination just before its worker thread has exited
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> !threads.anyAlive());
        }

        @Test
        @DisplayName("starts a new file when the next line would exceed maxFileSize")
        void rotates() throws IOException {
            LocalLogBackend backend = start(persistent().maxFileSize(1000));
            List<LogMessage> stored = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                stored.add(backend.log(line("message number " + i, NOW)));
            }
            backend.close();

            List<Path> files = logFiles();
            assertThat(files).hasSizeGreaterThan(5);
            for (Path file : files) {
                long plainBytes = readLines(file).stream().mapToLong(l -> l.getBytes(StandardCharsets.UTF_8).length + 1).sum();
                assertThat(plainBytes).as("size of %s", file).isLessThanOrEqualTo(1000).isPositive();
            }
            assertThat(allLines().stream().map(LogJson::fromJson).collect(Collectors.toList())).isEqualTo(stored);
        }

        @Test
        @DisplayName("gives a line longer than maxFileSize a file of its own")
        void oversizedLine() throws IOException {
            LocalLogBackend backend = start(persistent().maxFileSize(100));
            backend.log(line("x".repeat(500), NOW));
            backend.log(line("y".repeat(500), NOW));
            backend.close();

            assertThat(logFiles()).hasSize(2);
            assertThat(allLines()).hasSize(2);
        }

        @Test
        @DisplayName("creates the directory 0700 and the files 0600")
        void permissions() throws IOException {
            LocalLogBackend backend = start(persistent().maxFileSize(300));
            for (int i = 0; i < 5; i++) {
                backend.log(line("m" + i, NOW));
            }
            backend.close();

            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(logDir()))).isEqualTo("rwx------");
            assertThat(logFiles()).hasSizeGreaterThan(1).allSatisfy(file ->
                    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                            .isEqualTo("rw-------"));
        }

        @Test
        @DisplayName("counts and reports messages the writer could not keep up with, without blocking log()")
        void countsOverrun() throws IOException {
            CountDownLatch release = new CountDownLatch(1);
            LocalLogBackend backend = start(persistent().maxLogs(10).threadFactory(runnable -> {
                Thread thread = new Thread(() -> {
                    try {
                        release.await(); // the writer is stuck, as on a hung disk
                    } catch (InterruptedException e) {
                        return;
                    }
                    runnable.run();
                });
                thread.setDaemon(true);
                return thread;
            }));

            try {
                for (int i = 0; i < 100; i++) {
                    assertThat(backend.log(line("m" + i, NOW)).id()).isEqualTo("log-" + (i + 1));
                }
                assertThat(backend.statistics().dropped()).isEqualTo(90);
            } finally {
                release.countDown();
            }

            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> backend.getLogs(
                    LogQuery.builder().sourceType(SourceType.SYSTEM).build()).size() == 1);
            LogMessage report = backend.getLogs(LogQuery.builder().sourceType(SourceType.SYSTEM).build()).get(0);
            assertThat(report.level()).isEqualTo(LogLevel.WARN);
            assertThat(report.message()).contains("Suppressed 90 log messages");
            backend.close();

            List<String> lines = allLines();
            assertThat(lines).hasSize(11);
            assertThat(texts(lines.stream().limit(10).map(LogJson::fromJson).collect(Collectors.toList())))
                    .containsExactly("m90", "m91", "m92", "m93", "m94", "m95", "m96", "m97", "m98", "m99");
        }
    }

    @Nested
    @DisplayName("Reloading")
    class Reloading {

        @Test
        @DisplayName("a second backend on the same directory has the same messages and ids, and continues the ids")
        void reloadAfterRestart() throws IOException {
            LocalLogBackend first = start(persistent().maxFileSize(2000));
            for (int i = 0; i < 30; i++) {
                first.log(line("m" + i, NOW.plusNanos(i * 1001L)));
            }
            first.log(LogMessage.manager("reconciled", LogLevel.DEBUG, NOW));
            List<LogMessage> before = first.getLogs(LogQuery.all());
            first.close();

            LocalLogBackend second = start(persistent());

            assertThat(second.getLogs(LogQuery.all())).isEqualTo(before);
            assertThat(second.statistics().skipped()).isZero();
            assertThat(second.log(line("after restart", NOW)).id()).isEqualTo("log-32");
            assertThat(texts(second.getLogs(LogQuery.builder().serviceName("web").limit(2).build())))
                    .containsExactly("m29", "after restart");
        }

        @Test
        @DisplayName("reloads only the newest maxLogs, but continues after the highest id")
        void reloadsNewestMaxLogs() throws IOException {
            LocalLogBackend first = start(persistent());
            for (int i = 0; i < 30; i++) {
                first.log(line("m" + i, NOW));
            }
            first.close();

            LocalLogBackend second = start(persistent().maxLogs(4));

            assertThat(texts(second.getLogs(LogQuery.all()))).containsExactly("m26", "m27", "m28", "m29");
            assertThat(second.log(line("next", NOW)).id()).isEqualTo("log-31");
        }

        @Test
        @DisplayName("does not reload messages older than maxAge, but never reuses their ids")
        void skipsExpired() throws IOException {
            LocalLogBackend first = start(persistent());
            first.log(line("old", NOW.minus(Duration.ofHours(30))));
            first.log(line("recent", NOW.minus(Duration.ofHours(1))));
            first.log(line("old again", NOW.minus(Duration.ofHours(25))));
            first.close();

            LocalLogBackend second = start(persistent().maxAge(Duration.ofHours(24)));

            assertThat(texts(second.getLogs(LogQuery.all()))).containsExactly("recent");
            assertThat(second.log(line("next", NOW)).id()).isEqualTo("log-4");
        }

        @Test
        @DisplayName("survives a torn last line: skips it, counts it, reports it in one system message")
        void tornLastLine() throws IOException {
            StringBuilder content = new StringBuilder();
            for (int i = 1; i <= 3; i++) {
                content.append(LogJson.toJson(line("ok" + i, NOW).withId("log-" + i))).append('\n');
            }
            String fourth = LogJson.toJson(line("torn", NOW).withId("log-4"));
            content.append(fourth, 0, fourth.length() / 2); // the process died mid-write
            writeFile(NOW.toEpochMilli() - 1000, content.toString());

            LocalLogBackend backend = start(persistent());

            assertThat(backend.statistics().skipped()).isEqualTo(1);
            List<LogMessage> all = backend.getLogs(LogQuery.all());
            assertThat(texts(all)).containsExactly("ok1", "ok2", "ok3", "Skipped 1 corrupt line while reloading logs from "
                    + logDir().toAbsolutePath());
            LogMessage report = all.get(3);
            assertThat(report.level()).isEqualTo(LogLevel.WARN);
            assertThat(report.isSystem()).isTrue();
            assertThat(report.id()).isEqualTo("log-4");
        }

        @Test
        @DisplayName("puts hand-edited files back in id order and keeps one message per id (reload sorts only when needed)")
        void handEditedFilesOutOfOrder() throws IOException {
            // Regression guard for the reload fast path, which skips the sort when files are in id order.
            String older = LogJson.toJson(line("five", NOW).withId("log-5")) + "\n"
                    + LogJson.toJson(line("two", NOW).withId("log-2")) + "\n"
                    + LogJson.toJson(line("seven", NOW).withId("log-7")) + "\n";
            String newer = LogJson.toJson(line("three", NOW).withId("log-3")) + "\n"
                    + LogJson.toJson(line("five again", NOW).withId("log-5")) + "\n"
                    + LogJson.toJson(line("one", NOW).withId("log-1")) + "\n";
            writeFile(NOW.toEpochMilli() - 2000, older);
            writeFile(NOW.toEpochMilli() - 1000, newer);

            LocalLogBackend backend = start(persistent());

            List<LogMessage> all = backend.getLogs(LogQuery.all());
            assertThat(all).extracting(LogMessage::id).containsExactly("log-1", "log-2", "log-3", "log-5", "log-7");
            assertThat(all.get(3).message()).isIn("five", "five again");
            assertThat(backend.log(line("next", NOW)).id()).isEqualTo("log-8");
        }

        @Test
        @DisplayName("skips corrupt lines, lines without ids and garbage files, and reports them once")
        void corruptLinesAndGarbageFiles() throws IOException {
            String good1 = LogJson.toJson(line("good1", NOW).withId("log-10"));
            String good2 = LogJson.toJson(line("good2", NOW).withId("log-11"));
            writeFile(NOW.toEpochMilli() - 3000, good1 + "\n{\"message\":\"no level\"}\nnot json at all\n"
                    + LogJson.toJson(line("no id", NOW)) + "\n\n" + good2 + "\n");
            byte[] garbage = new byte[4096];
            new Random(42).nextBytes(garbage);
            Files.write(logDir().resolve("container-manager-" + (NOW.toEpochMilli() - 2000) + ".log"), garbage);

            LocalLogBackend backend = start(persistent());

            assertThat(texts(backend.getLogs(LogQuery.builder().serviceName("web").build())))
                    .containsExactly("good1", "good2");
            long corrupt = backend.statistics().skipped();
            assertThat(corrupt).isGreaterThanOrEqualTo(4); // 3 bad lines + at least one from the garbage
            List<LogMessage> reports = backend.getLogs(LogQuery.builder().sourceType(SourceType.SYSTEM).build());
            assertThat(texts(reports)).containsExactly("Skipped " + corrupt + " corrupt lines while reloading logs from "
                    + logDir().toAbsolutePath());
            assertThat(reports.get(0).id()).isEqualTo("log-12");
        }

        @Test
        @DisplayName("ignores other files in the directory")
        void ignoresOtherFiles() throws IOException {
            Files.createDirectories(logDir());
            Files.writeString(logDir().resolve("notes.txt"), "not a log\n");
            Files.writeString(logDir().resolve("container-manager-x.log"), "nor this\n");

            LocalLogBackend backend = start(persistent());

            assertThat(backend.count()).isZero();
            assertThat(backend.statistics().skipped()).isZero();
        }
    }

    @Nested
    @DisplayName("Retention")
    class Retention {

        @Test
        @DisplayName("cleanup deletes files whose every line is older than maxAge, but not the current file")
        void deletesOldFiles() throws IOException {
            LocalLogBackend backend = start(persistent().maxFileSize(600).flushInterval(Duration.ofMillis(20)));
            for (int i = 0; i < 20; i++) {
                backend.log(line("early" + i, NOW));
            }
            // All early lines on disk before the clock moves, or later files would carry its new time.
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> allLines().size() == 20);
            List<Path> early = logFiles();
            assertThat(early).hasSizeGreaterThan(3);

            clock.advance(Duration.ofHours(2));
            backend.log(line("late", clock.instant()));
            // Let the writer reach "late": it goes to the newest early file or starts one at NOW + 2h.
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> allLines().size() == 21);
            clock.advance(Duration.ofMinutes(30));

            long removed = backend.cleanup(Duration.ofHours(1));

            assertThat(removed).isEqualTo(20);
            assertThat(texts(backend.getLogs(LogQuery.all()))).containsExactly("late");
            List<Path> remaining = logFiles();
            assertThat(remaining).hasSizeLessThanOrEqualTo(2);
            assertThat(early.subList(0, early.size() - 1)).allSatisfy(file -> assertGone(file));
            assertThat(allLines()).anySatisfy(l -> assertThat(LogJson.fromJson(l).message()).isEqualTo("late"));
        }

        @Test
        @DisplayName("initialize deletes files of an earlier run that are older than maxAge")
        void deletesOldFilesAtStart() throws IOException {
            long dayMillis = Duration.ofDays(1).toMillis();
            writeFile(NOW.toEpochMilli() - 3 * dayMillis, LogJson.toJson(line("ancient", NOW.minusSeconds(3 * 86400))
                    .withId("log-1")) + "\n");
            writeFile(NOW.toEpochMilli() - 2 * dayMillis, LogJson.toJson(line("old", NOW.minusSeconds(2 * 86400))
                    .withId("log-2")) + "\n");
            writeFile(NOW.toEpochMilli() - 1000, LogJson.toJson(line("fresh", NOW.minusSeconds(1)).withId("log-3"))
                    + "\n");

            LocalLogBackend backend = start(persistent().maxAge(Duration.ofHours(24)));

            assertThat(texts(backend.getLogs(LogQuery.all()))).containsExactly("fresh");
            assertGone(logDir().resolve("container-manager-" + (NOW.toEpochMilli() - 3 * dayMillis) + ".log"));
            // Its successor started a second ago, so it may have been written to until then: kept
            // (plain, or compressed by now).
            assertKept(logDir().resolve("container-manager-" + (NOW.toEpochMilli() - 2 * dayMillis) + ".log"));
            assertKept(logDir().resolve("container-manager-" + (NOW.toEpochMilli() - 1000) + ".log"));
            assertThat(backend.log(line("next", NOW)).id()).isEqualTo("log-4");
        }
    }

    @Nested
    @DisplayName("Start-up errors")
    class StartupErrors {

        @Test
        @DisplayName("a log directory that cannot be created is a clear IOException, and a retry can succeed")
        void unwritableDirectory() throws IOException {
            Path blocker = tempDir.resolve("blocker");
            Files.writeString(blocker, "a file where a directory should be");
            LocalLogBackend backend = LocalLogBackend.builder().enableFilePersistence(true)
                    .logDir(blocker.resolve("logs")).clock(clock).build();
            opened.add(backend);

            assertThatThrownBy(backend::initialize).isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot create log directory")
                    .hasMessageContaining(blocker.resolve("logs").toString());
            assertThat(backend.log(line("dropped", NOW)).id()).isNull();

            Files.delete(blocker);
            backend.initialize();
            assertThat(backend.log(line("works now", NOW)).id()).isEqualTo("log-1");
        }

        @Test
        @DisplayName("an existing read-only log directory is a clear IOException")
        void readOnlyDirectory() throws IOException {
            Files.createDirectories(logDir());
            Files.setPosixFilePermissions(logDir(), PosixFilePermissions.fromString("r-x------"));
            try {
                assumeFalse(Files.isWritable(logDir()),
                        "skipped: this user (root?) may write to a read-only directory anyway");
                LocalLogBackend backend = persistent().build();
                opened.add(backend);

                assertThatThrownBy(backend::initialize).isInstanceOf(IOException.class)
                        .hasMessageContaining("not writable").hasMessageContaining(logDir().toString());
            } finally {
                Files.setPosixFilePermissions(logDir(), LogFiles.DIR_PERMISSIONS);
            }
        }

        @Test
        @DisplayName("a log directory that is a file is a clear IOException")
        void directoryIsAFile() throws IOException {
            Files.writeString(logDir(), "oops");

            LocalLogBackend backend = persistent().build();
            opened.add(backend);

            assertThatThrownBy(backend::initialize).isInstanceOf(IOException.class)
                    .hasMessageContaining(logDir().toString());
        }
    }
}
