package io.containerlogging.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LogFileReader} on hand-made json-file logs, rotated here as dockerd rotates them (close,
 * rename {@code .N-1} to {@code .N}, the current file to {@code .1}, start a new one, gzip
 * {@code .1}): no Docker engine needed.
 */
@Timeout(60)
@DisplayName("A json-file log is read from disk as the API would deliver it")
class LogFileReaderTest {

    static final Instant T0 = Instant.parse("2026-12-06T21:00:00Z");

    @TempDir
    Path dir;

    final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    final AtomicLong skipped = new AtomicLong();
    volatile boolean stop;
    volatile int restarts;
    volatile Instant since;
    // the numbered lines kept so far, as the container's resume marks would: a line seen again is dropped
    volatile int lastNumber;

    static String entry(int n, String stream, String log) {
        return "{\"log\":\"" + log + "\",\"stream\":\"" + stream + "\",\"time\":\"" + T0.plusMillis(n) + "\"}\n";
    }

    static String numbered(int n) {
        return entry(n, n % 3 == 0 ? "stderr" : "stdout", "line " + n + "\\n");
    }

    LogFileReader reader(Path base) {
        LineAssembler assembler = new LineAssembler(1 << 20, Clock.systemUTC(), (timestamp, stdErr, text) -> {
            if (text.startsWith("line ")) {
                int n = Integer.parseInt(text.substring(5));
                if (n <= lastNumber) {
                    return;
                }
                lastNumber = n;
            }
            lines.add((stdErr ? "E " : "O ") + text);
        });
        return new LogFileReader(new LogFileSet(base), true, true, assembler, new LogFileReader.Host() {
            @Override
            public Instant restart() {
                restarts++;
                return since;
            }

            @Override
            public boolean stopRequested() {
                return stop;
            }

            @Override
            public boolean detached() {
                return false;
            }
        }, skipped);
    }

    static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    static void gzip(Path from, Path to) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(to))) {
            Files.copy(from, out);
        }
        Files.delete(from);
    }

    static String expected(int n) {
        return (n % 3 == 0 ? "E " : "O ") + "line " + n;
    }

    @Test
    @DisplayName("rotated (gzipped and plain) files then the current one, oldest first; garbage skipped and counted")
    void rotatedFilesInOrder() throws IOException {
        Path base = dir.resolve("c1-json.log");
        StringBuilder oldest = new StringBuilder();
        for (int n = 1; n <= 100; n++) {
            oldest.append(numbered(n));
        }
        write(dir.resolve("c1-json.log.2"), oldest.toString());
        gzip(dir.resolve("c1-json.log.2"), dir.resolve("c1-json.log.2.gz"));
        StringBuilder middle = new StringBuilder("not json at all\n");
        for (int n = 101; n <= 200; n++) {
            middle.append(numbered(n));
        }
        write(dir.resolve("c1-json.log.1"), middle.toString());
        String piece = "x".repeat(LineAssembler.DOCKER_PIECE_SIZE);
        write(base, numbered(201) + entry(202, "stdout", piece) + entry(202, "stdout", "joined\\n")
                + entry(203, "stderr", "unterminated") + "{\"log\":\"torn");
        assertThat(reader(base).read(false)).isEqualTo(LogFileReader.Outcome.END);
        List<String> expected = new ArrayList<>();
        for (int n = 1; n <= 201; n++) {
            expected.add(expected(n));
        }
        expected.add("O " + piece + "joined"); // a 16 KiB piece and its continuation
        expected.add("E unterminated");
        assertThat(lines).containsExactlyElementsOf(expected);
        assertThat(skipped.get()).isEqualTo(2); // the garbage line and the torn last one
    }

    @Test
    @DisplayName("a since skips the files and entries before it")
    void since() throws IOException {
        Path base = dir.resolve("c1-json.log");
        StringBuilder old = new StringBuilder();
        for (int n = 1; n <= 100; n++) {
            old.append(numbered(n));
        }
        write(dir.resolve("c1-json.log.1"), old.toString());
        StringBuilder current = new StringBuilder();
        for (int n = 101; n <= 200; n++) {
            current.append(numbered(n));
        }
        write(base, current.toString());
        since = T0.plusMillis(150);
        assertThat(reader(base).read(false)).isEqualTo(LogFileReader.Outcome.END);
        assertThat(lines).hasSize(51).first().isEqualTo(expected(150));
    }

    @Test
    @DisplayName("following through rotations and compression while lines are written: each exactly once, no restart")
    void followRotations() throws Exception {
        Path base = dir.resolve("c1-json.log");
        write(base, "");
        int total = 20_000;
        CompletableFuture<LogFileReader.Outcome> outcome = CompletableFuture.supplyAsync(() -> reader(base).read(true));
        for (int n = 1; n <= total; n++) {
            write(base, numbered(n));
            if (n % 1000 == 0) {
                // Every other rotation below comes once the reader has caught up, the rest while
                // it may still be reading the file being rotated.
                int written = n;
                await().atMost(Duration.ofSeconds(30)).until(() -> lines.size() >= written);
            }
            if (n % 500 == 0) {
                for (int i = 20; i > 1; i--) {
                    Path from = dir.resolve("c1-json.log." + (i - 1) + ".gz");
                    if (Files.exists(from)) {
                        Files.move(from, dir.resolve("c1-json.log." + i + ".gz"), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                Files.move(base, dir.resolve("c1-json.log.1"));
                write(base, "");
                gzip(dir.resolve("c1-json.log.1"), dir.resolve("c1-json.log.1.gz"));
            }
        }
        stop = true;
        assertThat(outcome.get()).isEqualTo(LogFileReader.Outcome.END);
        List<String> expected = new ArrayList<>();
        for (int n = 1; n <= total; n++) {
            expected.add(expected(n));
        }
        assertThat(lines).containsExactlyElementsOf(expected);
        assertThat(restarts).isEqualTo(1); // the first pass only
        assertThat(skipped.get()).isZero();
    }
}
