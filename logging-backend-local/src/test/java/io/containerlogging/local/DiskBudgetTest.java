package io.containerlogging.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.LogSource;
import io.containerlogging.core.SourceType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** maxTotalSize: the files never take more than the budget plus one file, and the API answers only what is stored. */
@Timeout(60)
class DiskBudgetTest {

    private static final long FILE = 64 * 1024;
    private static final long BUDGET = 8 * FILE;

    @TempDir
    Path dir;

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

    private LocalLogBackend.Builder budgeted() {
        return LocalLogBackend.builder().enableFilePersistence(true).logDir(dir).maxFileSize(FILE)
                .maxTotalSize(BUDGET).maxLogs(200_000);
    }

    private static LogMessage line(int i) {
        return new LogMessage(null, "flood line " + i + " " + "x".repeat(i % 80), Instant.now(), LogLevel.INFO,
                LogSource.container("web"), 1, "web", "c0ffee", false, false, null);
    }

    /** Every byte of log files in the log directory and its subdirectories, partial compressed copies included. */
    private long bytesOnDisk() {
        return bytesIn(dir.toFile());
    }

    // java.io.File, not Files.walk: the state files next to the logs are replaced while this runs,
    // and a walk fails on an entry that vanished between listing and looking at it.
    private static long bytesIn(java.io.File directory) {
        long total = 0;
        String[] names = directory.list();
        for (String name : names == null ? new String[0] : names) {
            java.io.File entry = new java.io.File(directory, name);
            if (name.startsWith("container-manager-")) {
                total += entry.length(); // 0 if renamed meanwhile (never while the catalog's lock is held)
            } else if (name.startsWith("keep-")) {
                total += bytesIn(entry);
            }
        }
        return total;
    }

    private Set<String> idsInFiles() throws IOException {
        Set<String> ids = new HashSet<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches("container-manager-\\d+\\.log(\\.gz)?"))
                    .collect(Collectors.toList())) {
                for (String line : LocalLogBackendPersistenceTest.readLines(file)) {
                    if (!line.isBlank()) {
                        ids.add(LogJson.fromJson(line).id());
                    }
                }
            }
        }
        return ids;
    }

    /** Equal sets of ids, or a failure that names the ids in one and not the other (AssertJ shows 1 000 at most). */
    private static void assertSameIds(Set<String> inMemory, Set<String> onDisk) {
        Set<String> onlyInMemory = new java.util.TreeSet<>(inMemory);
        onlyInMemory.removeAll(onDisk);
        Set<String> onlyOnDisk = new java.util.TreeSet<>(onDisk);
        onlyOnDisk.removeAll(inMemory);
        assertThat(onlyInMemory).as("in memory (%d) but not on disk (%d)", inMemory.size(), onDisk.size()).isEmpty();
        assertThat(onlyOnDisk).as("on disk (%d) but not in memory (%d)", onDisk.size(), inMemory.size()).isEmpty();
    }

    @Test
    @DisplayName("a flood of twenty budgets never leaves more than the budget plus one file on disk")
    void floodStaysWithinBudget() throws IOException {
        LocalLogBackend backend = start(budgeted());
        AtomicLong most = new AtomicLong();
        // Measured on disk whenever the set of files changes and just before each budget check, under
        // the catalog's lock, so no rename is half seen.
        backend.catalog().observer(() -> most.accumulateAndGet(bytesOnDisk(), Math::max));

        int total = 0;
        long written = 0;
        while (written < 20 * BUDGET) {
            LogMessage stored = backend.log(line(total++));
            written += LogJson.toJson(stored).length() + 1;
        }
        backend.flush();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> backend.storageStatistics().budgetDeletedFiles() > 0
                        && !backend.getLogs(LogQuery.builder().sourceType(SourceType.SYSTEM).build()).isEmpty());

        assertThat(most.get()).as("most bytes seen on disk").isPositive().isLessThanOrEqualTo(BUDGET + FILE);
        StorageStatistics storage = backend.storageStatistics();
        assertThat(storage.bytesOnDisk()).isLessThanOrEqualTo(BUDGET + FILE);
        LogMessage report = backend.getLogs(LogQuery.builder().sourceType(SourceType.SYSTEM).build()).get(0);
        assertThat(report.level()).isEqualTo(LogLevel.WARN);
        assertThat(report.message()).startsWith("Deleted ").contains("maxTotalSize (" + BUDGET + " bytes)");

        // What the budget deleted is gone from queries: memory holds exactly what the files hold.
        long deletedMessages = storage.budgetDeletedMessages();
        assertThat(deletedMessages).isPositive();
        backend.close();
        Set<String> inMemory = backend.getLogs(LogQuery.all()).stream().map(LogMessage::id).collect(Collectors.toSet());
        Set<String> onDisk = idsInFiles();
        assertThat(bytesOnDisk()).isLessThanOrEqualTo(BUDGET + FILE);
        assertSameIds(inMemory, onDisk);
        assertThat(inMemory).contains("log-" + total).doesNotContain("log-1");
        assertThat(backend.statistics().dropped()).isZero();

        // and it does not come back (the next start may delete more: its new file counts too)
        LocalLogBackend second = start(budgeted());
        Set<String> reloaded = second.getLogs(LogQuery.all()).stream().map(LogMessage::id).collect(Collectors.toSet());
        assertThat(onDisk).containsAll(reloaded);
        second.close();
        assertSameIds(second.getLogs(LogQuery.all()).stream().map(LogMessage::id).collect(Collectors.toSet()),
                idsInFiles());
    }

    @Test
    @DisplayName("a budget smaller than at the last start deletes the oldest files at start")
    void smallerBudgetAtStart() throws IOException {
        LocalLogBackend first = start(LocalLogBackend.builder().enableFilePersistence(true).logDir(dir)
                .maxFileSize(FILE).maxLogs(200_000));
        for (int i = 0; i < 40_000; i++) {
            first.log(line(i));
        }
        first.close();
        assertThat(bytesOnDisk()).isGreaterThan(BUDGET);

        LocalLogBackend second = start(budgeted());

        assertThat(bytesOnDisk()).isLessThanOrEqualTo(BUDGET);
        assertThat(second.storageStatistics().budgetDeletedFiles()).isPositive();
        assertThat(second.getLogs(LogQuery.builder().limit(1).build())).extracting(LogMessage::id)
                .containsExactly("log-40000");
        assertThat(second.getLogs(LogQuery.builder().afterId("log-1").limit(1).build()).get(0).id())
                .isNotEqualTo("log-2"); // the oldest went
        second.close();
        Set<String> inMemory = second.getLogs(LogQuery.all()).stream().map(LogMessage::id)
                .collect(Collectors.toSet());
        assertSameIds(inMemory, idsInFiles());
    }

    @Test
    @DisplayName("the budget deletes what retention would delete first: a noisy service kept an hour goes before errors kept a week")
    void noiseGoesBeforeErrors() throws IOException {
        LocalLogBackend backend = start(budgeted().maxAge(Duration.ofDays(1))
                .retention(RetentionPolicy.parse("noisy=1h,*@error=7d")));
        List<String> errors = new ArrayList<>();
        // Two and a half files of errors: the first ones closed, so the budget may delete them.
        for (int i = 0; i < 500; i++) {
            errors.add(backend.log(new LogMessage(null, "the error someone needs " + i + " " + "e".repeat(100),
                    Instant.now(), LogLevel.ERROR, LogSource.container("db"), 2, "db", "d0d0", true, false, null)).id());
        }
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10))
                .until(() -> backend.storageStatistics().files() >= 3); // the error files were written first
        long written = 0;
        int noise = 0;
        while (written < 10 * BUDGET) {
            LogMessage stored = backend.log(new LogMessage(null, "debug chatter " + noise++ + " " + "x".repeat(60),
                    Instant.now(), LogLevel.DEBUG, LogSource.container("noisy"), 1, "noisy", "c0ffee", false, false,
                    null));
            written += LogJson.toJson(stored).length() + 1;
        }
        backend.close();

        assertThat(backend.storageStatistics().budgetDeletedFiles()).isPositive();
        assertThat(bytesOnDisk()).isLessThanOrEqualTo(BUDGET + FILE);
        Set<String> onDisk = idsInFiles();
        assertThat(onDisk).containsAll(errors); // older than every deleted line, and still there
        try (Stream<Path> errorFiles = Files.list(dir.resolve("keep-7d"))) {
            assertThat(errorFiles.filter(f -> f.getFileName().toString().endsWith(".log.gz"))).isNotEmpty();
        }
        assertThat(backend.getLogs(LogQuery.builder().serviceName("db").build())).extracting(LogMessage::id)
                .containsExactlyElementsOf(errors);
        assertThat(backend.count(LogQuery.builder().serviceName("noisy").build())).isLessThan(noise);
        assertSameIds(backend.getLogs(LogQuery.all()).stream().map(LogMessage::id).collect(Collectors.toSet()), onDisk);
    }

    @Test
    @DisplayName("a budget under two files is refused at build time")
    void tooSmall() {
        assertThatThrownBy(() -> LocalLogBackend.builder().maxFileSize(FILE).maxTotalSize(FILE).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("maxTotalSize (" + FILE + ")");
        assertThatThrownBy(() -> LocalLogBackend.builder().maxTotalSize(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
    }
}
