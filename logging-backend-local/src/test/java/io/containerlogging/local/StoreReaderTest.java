package io.containerlogging.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.containerlogging.core.LevelSource;
import io.containerlogging.core.LogFields;
import io.containerlogging.core.LogId;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import io.containerlogging.core.SourceType;
import io.containerlogging.core.forward.StoredMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("StoreReader: every stored message from the files, in id order")
class StoreReaderTest {

    private static final Instant T0 = Instant.now().minusSeconds(600);

    @TempDir
    Path dir;

    private LocalLogBackend backend(LocalLogBackend.Builder builder) throws Exception {
        LocalLogBackend backend = builder.enableFilePersistence(true).logDir(dir).maxLogs(50)
                .maxFileSize(16 * 1024).flushInterval(Duration.ofMillis(20)).build();
        backend.initialize();
        return backend;
    }

    private static LogMessage line(int i) {
        return LogMessage.builder().message("line-" + i).timestamp(T0.plusMillis(i))
                .level(i % 7 == 0 ? LogLevel.ERROR : LogLevel.INFO).serviceName(i % 2 == 0 ? "web" : "db").build();
    }

    /** Everything the reader has now, in batches of {@code batch}. */
    private static List<LogMessage> drain(StoreReader reader, int batch) {
        List<LogMessage> all = new ArrayList<>();
        List<LogMessage> next;
        while (!(next = reader.next(batch)).isEmpty()) {
            all.addAll(next);
        }
        return all;
    }

    private static List<String> texts(List<LogMessage> messages) {
        return messages.stream().map(LogMessage::message).collect(Collectors.toList());
    }

    private static List<String> lines(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "line-" + i).collect(Collectors.toList());
    }

    @Test
    @DisplayName("decoded reading gives back exactly the messages log() returned, in every shape, fast path or not")
    void decodesEveryShapeExactly() throws Exception {
        List<LogMessage> logged = new ArrayList<>();
        try (LocalLogBackend backend = backend(LocalLogBackend.builder().deviceId("pi-7"))) {
            for (int i = 0; i < 400; i++) {
                LogMessage.Builder message = LogMessage.builder()
                        .message(i % 5 == 0 ? "quote \" \\ tab\t nl\n \u00e9\u20ac \uD83D\uDE00 \u2028 " + i : "plain " + i)
                        .timestamp(T0.plusNanos(i * 1_000_003L)).level(LogLevel.values()[i % LogLevel.values().length]);
                switch (i % 4) {
                    case 0 -> message.source(LogSource.container("web")).serviceId(i % 3 == 0 ? null : i)
                            .serviceName("web").containerId("c".repeat(64)).stdErr(i % 8 == 0);
                    case 1 -> message.system(true).source(new LogSource(SourceType.SYSTEM, null));
                    case 2 -> message.deviceId("edge-" + (i % 3)).levelSource(LevelSource.TEXT)
                            .fields(LogFields.builder().put("user", "u" + i).put("n", (long) i).build());
                    default -> message.source(new LogSource(SourceType.MANAGER, "supervisor"));
                }
                logged.add(backend.log(message.build()));
            }
            backend.flush();
            try (StoreReader reader = backend.reader(null)) {
                assertThat(drain(reader, 37)).containsExactlyElementsOf(logged);
                assertThat(reader.corruptLines()).isZero();
            }
        }
    }

    @Test
    @DisplayName("files of three retention classes, rotated and compressed, are merged by id; a position resumes exactly")
    void mergesRetentionClasses() throws Exception {
        RetentionPolicy policy = RetentionPolicy.builder().service("web", Duration.ofHours(1))
                .level(LogLevel.ERROR, Duration.ofDays(7)).build();
        try (LocalLogBackend backend = backend(LocalLogBackend.builder().retention(policy))) {
            for (int i = 0; i < 3_000; i++) {
                backend.log(line(i));
            }
            backend.flush();
            assertThat(Files.list(dir).map(p -> p.getFileName().toString())).contains("keep-1h", "keep-7d");
            try (StoreReader reader = backend.reader(null)) {
                List<LogMessage> all = drain(reader, 97);
                assertThat(texts(all)).containsExactlyElementsOf(lines(0, 3_000));
                assertThat(reader.position()).isEqualTo(backend.storedThrough());
                assertThat(reader.corruptLines()).isZero();
                String middle = all.get(1_234).id();
                try (StoreReader resumed = backend.reader(middle)) {
                    assertThat(texts(drain(resumed, 500))).containsExactlyElementsOf(lines(1_235, 3_000));
                }
            }
        }
    }

    @Test
    @DisplayName("a reader at the end sees new lines only once they are forced, and then in order")
    void followsTheWriter() throws Exception {
        try (LocalLogBackend backend = backend(LocalLogBackend.builder().flushInterval(Duration.ofHours(1)))) {
            backend.log(line(0));
            backend.flush();
            try (StoreReader reader = backend.reader(null)) {
                assertThat(texts(reader.next(10))).containsExactly("line-0");
                for (int round = 1; round < 20; round++) {
                    for (int i = round * 100 - 99; i <= round * 100; i++) {
                        backend.log(line(i));
                    }
                    // Logged, not flushed: nothing yet (the writer flushes every hour here).
                    long forced = LogId.sequence(backend.storedThrough());
                    List<LogMessage> early = reader.next(1_000);
                    assertThat(early).allMatch(m -> LogId.sequence(m.id()) <= forced);
                    backend.flush();
                    List<LogMessage> got = new ArrayList<>(early);
                    got.addAll(drain(reader, 33));
                    assertThat(texts(got)).as("round %d", round)
                            .containsExactlyElementsOf(lines(round * 100 - 99, round * 100 + 1));
                }
            }
        }
    }

    @Test
    @DisplayName("after a restart the files of earlier runs are read too; corrupt and torn lines are skipped and counted")
    void earlierRunsAndCorruptLines() throws Exception {
        try (LocalLogBackend backend = backend(LocalLogBackend.builder().compressRotatedFiles(false))) {
            for (int i = 0; i < 500; i++) {
                backend.log(line(i));
            }
        }
        Path oldest = Files.list(dir).filter(p -> p.getFileName().toString().endsWith(".log")).sorted()
                .findFirst().orElseThrow();
        Files.writeString(oldest, "{not json at all\n\u0000\u0001garbage\n{\"id\":\"log-999999\"",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND); // a torn last line, as a crash leaves
        try (LocalLogBackend backend = backend(LocalLogBackend.builder().compressRotatedFiles(false))) {
            for (int i = 500; i < 600; i++) {
                backend.log(line(i));
            }
            backend.flush();
            try (StoreReader reader = backend.reader(null)) {
                assertThat(texts(drain(reader, 64))).containsExactlyElementsOf(lines(0, 600));
                assertThat(reader.corruptLines()).isEqualTo(3);
            }
        }
    }

    @Test
    @DisplayName("read as stored JSON: the same messages in the same order, each JSON exactly the encoder's bytes,"
            + " corrupt lines skipped and counted, a line in an older form encoded in today's")
    void readsStoredJson() throws Exception {
        RetentionPolicy policy = RetentionPolicy.builder().level(LogLevel.ERROR, Duration.ofDays(7)).build();
        try (LocalLogBackend backend = backend(LocalLogBackend.builder().retention(policy).deviceId("pi-7"))) {
            for (int i = 0; i < 1_000; i++) {
                backend.log(line(i));
            }
        }
        Path oldest = Files.list(dir).filter(p -> p.getFileName().toString().endsWith(".log")).sorted()
                .findFirst().orElseThrow();
        // One line in an older form (no time field: decoded and encoded again), then corrupt
        // lines and a torn last line.
        List<String> content = new ArrayList<>(Files.readAllLines(oldest, StandardCharsets.UTF_8));
        String older = content.get(2).replaceFirst(",\"time\":\"[^\"]*\"", "");
        assertThat(older).isNotEqualTo(content.get(2));
        content.set(2, older);
        String olderText = LogJson.fromJson(older).message();
        Files.writeString(oldest, String.join("\n", content) + "\n{not json at all\n\u0000\u0001garbage\n"
                + "{\"id\":\"log-999999\"", StandardCharsets.UTF_8);
        try (LocalLogBackend backend = backend(LocalLogBackend.builder().retention(policy).deviceId("pi-7"))) {
            for (int i = 1_000; i < 1_100; i++) {
                backend.log(line(i));
            }
            backend.flush();
            List<LogMessage> decoded;
            try (StoreReader reader = backend.reader(null)) {
                decoded = drain(reader, 64);
            }
            try (StoreReader reader = backend.reader(null)) {
                List<StoredMessage> stored = new ArrayList<>();
                List<StoredMessage> next;
                while (!(next = reader.nextStored(71)).isEmpty()) {
                    stored.addAll(next);
                }
                assertThat(reader.corruptLines()).isEqualTo(3);
                assertThat(stored).hasSameSizeAs(decoded);
                assertThat(stored.stream().filter(StoredMessage::decoded).map(m -> m.message().message()))
                        .as("only the line in the older form was decoded").containsExactly(olderText);
                for (int i = 0; i < stored.size(); i++) {
                    assertThat(stored.get(i).id()).isEqualTo(decoded.get(i).id());
                    assertThat(stored.get(i).deviceId()).isEqualTo(decoded.get(i).deviceId());
                    assertThat(stored.get(i).message()).isEqualTo(decoded.get(i));
                    assertThat(new String(stored.get(i).json(), StandardCharsets.UTF_8))
                            .isEqualTo(LogJson.toJson(decoded.get(i)));
                }
            }
        }
    }

    @Test
    @DisplayName("files the budget deletes before the reader gets to them are counted as missed")
    void missedFiles() throws Exception {
        try (LocalLogBackend backend = backend(LocalLogBackend.builder().maxTotalSize(48 * 1024)
                .compressRotatedFiles(false))) {
            StoreReader reader = backend.reader(null);
            assertThat(reader.next(10)).isEmpty();
            for (int i = 0; i < 5_000; i++) {
                backend.log(line(i));
            }
            backend.flush();
            List<LogMessage> read = drain(reader, 100);
            assertThat(reader.missed()).isGreaterThan(0);
            // What the budget's own reports add aside, every id was read or counted as missed.
            assertThat(read.size() + reader.missed()).isEqualTo(LogId.sequence(backend.storedThrough()));
            reader.close();
            assertThatThrownBy(() -> reader.next(1)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    @DisplayName("read while three classes of tiny files are written, rotated and compressed: every line once, in order")
    void readsWhileWriting() throws Exception {
        RetentionPolicy policy = RetentionPolicy.builder().service("web", Duration.ofHours(1))
                .level(LogLevel.ERROR, Duration.ofDays(7)).build();
        try (LocalLogBackend backend = backend(LocalLogBackend.builder().retention(policy).maxFileSize(4 * 1024))) {
            int total = 20_000;
            Thread writer = new Thread(() -> {
                for (int i = 0; i < total; i++) {
                    backend.log(line(i));
                }
                backend.flush();
            });
            writer.start();
            List<String> read = new ArrayList<>();
            try (StoreReader reader = backend.reader(null)) {
                while (writer.isAlive() || read.size() < total) {
                    List<LogMessage> batch = reader.next(50);
                    batch.forEach(m -> read.add(m.message()));
                    if (batch.isEmpty() && !writer.isAlive()
                            && reader.position() != null && reader.position().equals(backend.storedThrough())) {
                        break;
                    }
                }
                writer.join();
                assertThat(reader.corruptLines()).isZero();
                assertThat(reader.missed()).isZero();
            }
            assertThat(read).containsExactlyElementsOf(lines(0, total));
        }
    }

    @Test
    @DisplayName("a memory-only or stopped backend has no reader")
    void needsFiles() throws Exception {
        try (LocalLogBackend memory = LocalLogBackend.builder().build()) {
            memory.initialize();
            assertThatThrownBy(() -> memory.reader(null)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("enableFilePersistence");
        }
        LocalLogBackend stopped = LocalLogBackend.builder().enableFilePersistence(true).logDir(dir).build();
        assertThatThrownBy(() -> stopped.reader(null)).isInstanceOf(IllegalStateException.class);
    }
}
