package io.containerlogging.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.containerlogging.core.LevelSource;
import io.containerlogging.core.LogFields;
import io.containerlogging.core.LogId;
import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading the files back at start, into the ring's columns, with files read in parallel: every
 * kind of line is taken or skipped as the line reader and LogJson.fromJson always did.
 */
class FileReloadTest {

    private static final Instant T0 = Instant.parse("2026-03-04T05:06:07.123456789Z");

    @TempDir
    Path dir;

    private static LogMessage message(long sequence) {
        int service = (int) (sequence % 3);
        return LogMessage.builder().message("line " + sequence + " \"quoted\" \u00e9\u20ac\uD83D\uDE00")
                .timestamp(T0.plusMillis(sequence)).level(sequence % 5 == 0 ? LogLevel.ERROR : LogLevel.INFO)
                .source(LogSource.container("svc" + service)).serviceId(service).serviceName("svc" + service)
                .containerId(("c" + service).repeat(32)).stdErr(sequence % 2 == 0)
                .deviceId(sequence % 4 == 0 ? "pi" : null)
                .levelSource(sequence % 3 == 0 ? LevelSource.LOGFMT : null)
                .build().withId(LogId.format(sequence));
    }

    private Path file(long startMillis, boolean gzip, String... lines) throws IOException {
        Path path = dir.resolve(LogFiles.fileName(startMillis) + (gzip ? LogFiles.GZ : ""));
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(path)) : Files.newOutputStream(path)) {
            out.write(String.join("", lines).getBytes(StandardCharsets.UTF_8));
        }
        return path;
    }

    private static String line(long sequence) {
        return LogJson.toJson(message(sequence)) + "\n";
    }

    private static FileReload.Reloaded reload(List<LogFiles.LogFile> files, int max, long replayAfter,
            List<LogMessage> replayed) {
        return FileReload.reload(List.of(files), max, message -> Instant.EPOCH, Removals.NONE, replayAfter,
                replayed::add, Thread::new);
    }

    @Test
    @DisplayName("takes every message line, skips and counts the corrupt ones, over plain and compressed files")
    void everyKindOfLine() throws IOException {
        LogMessage withFields = message(6).toBuilder().fields(LogFields.builder().put("status", 500L).build()).build();
        file(1_000, false,
                line(1),
                line(2).replace("\n", "\r\n"), // CRLF
                "\n", "   \n", // blank lines: skipped, not counted
                "garbage\n", // counted
                "{\"id\":\"log-3\"}\n", // not a message: counted
                LogJson.toJson(message(3)) + line(4).substring(0, 40) + "\n", // a message, then more: counted
                LogJson.toJson(message(5)).replace("\"id\":\"log-5\"", "\"id\":\"log-005\"") + "\n", // general path
                LogJson.toJson(withFields) + "\n"); // fields: general path
        file(2_000, true, line(7), line(8), line(9).substring(0, 50)); // torn last line: counted
        file(3_000, false, line(10), LogJson.toJson(message(11))); // last line without newline: taken

        List<LogMessage> replayed = new ArrayList<>();
        FileReload.Reloaded reloaded = reload(LogFiles.list(dir), 100, 9, replayed);

        assertThat(reloaded.messages()).containsExactly(message(1), message(2), message(5), withFields, message(7),
                message(8), message(10), message(11));
        assertThat(reloaded.corruptLines()).isEqualTo(4);
        assertThat(reloaded.highestSequence()).isEqualTo(11);
        assertThat(replayed).containsExactly(message(10), message(11));
        assertThat(reloaded.ranges()).containsEntry(dir.resolve(LogFiles.fileName(1_000)),
                new LogFiles.FileRange(1, 6, 4));
    }

    @Test
    @DisplayName("keeps the newest maxMessages across many files read in parallel, in id order")
    void newestAcrossFiles() throws IOException {
        long sequence = 0;
        List<LogMessage> all = new ArrayList<>();
        for (int f = 0; f < 9; f++) {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                sequence += 1 + i % 2; // gaps
                lines.add(line(sequence));
                all.add(message(sequence));
            }
            file(1_000 + f, f % 3 == 0, lines.toArray(new String[0]));
        }

        FileReload.Reloaded reloaded = reload(LogFiles.list(dir), 2_500, Long.MAX_VALUE, new ArrayList<>());

        assertThat(reloaded.messages()).containsExactlyElementsOf(all.subList(all.size() - 2_500, all.size()));
        assertThat(reloaded.corruptLines()).isZero();
        assertThat(reloaded.ranges()).hasSize(3); // the older files were not needed
    }

    @Test
    @DisplayName("leaves out messages older than their age, which may differ by level")
    void expiry() throws IOException {
        List<String> lines = new ArrayList<>();
        for (long s = 1; s <= 20; s++) {
            lines.add(line(s));
        }
        file(1_000, false, lines.toArray(new String[0]));
        // errors (every 5th) kept from T0, the rest only from T0 + 10 ms
        FileReload.Reloaded reloaded = FileReload.reload(List.of(LogFiles.list(dir)), 100,
                message -> message.level() == LogLevel.ERROR ? T0 : T0.plusMillis(10), Removals.NONE, Long.MAX_VALUE,
                m -> { }, Thread::new);

        assertThat(reloaded.messages()).extracting(LogMessage::id).containsExactly("log-5", "log-10", "log-11",
                "log-12", "log-13", "log-14", "log-15", "log-16", "log-17", "log-18", "log-19", "log-20");
    }
}
