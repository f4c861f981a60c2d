package io.containerlogging.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Forward paging (afterId + limit) behind the memory reads the files")
class PagesBeyondMemoryTest {

    private static final Instant T0 = Instant.now().minusSeconds(600);

    @TempDir
    Path dir;

    private LocalLogBackend backend(boolean durableReads) throws Exception {
        LocalLogBackend backend = LocalLogBackend.builder().enableFilePersistence(true).logDir(dir).maxLogs(100)
                .maxFileSize(8 * 1024).flushInterval(Duration.ofMillis(20)).durableReads(durableReads).build();
        backend.initialize();
        for (int i = 0; i < 2_000; i++) {
            backend.log(LogMessage.builder().message("line-" + i).timestamp(T0.plusMillis(i)).level(LogLevel.INFO)
                    .serviceName(i % 4 == 0 ? "web" : "db").build());
        }
        backend.flush();
        return backend;
    }

    /** Pages through everything after {@code afterId} matching {@code filter}, {@code size} at a time. */
    private static List<String> pageThrough(LocalLogBackend backend, LogQuery filter, String afterId, int size) {
        List<String> all = new ArrayList<>();
        String cursor = afterId;
        while (true) {
            List<LogMessage> page = backend.getLogs(filter.toBuilder().afterId(cursor).limit(size).build());
            if (page.isEmpty()) {
                return all;
            }
            assertThat(page.size()).isLessThanOrEqualTo(size);
            page.forEach(m -> all.add(m.message()));
            cursor = page.get(page.size() - 1).id();
        }
    }

    @Test
    @DisplayName("a poller 1 900 lines behind a 100-line memory pages through every line, in order, once")
    void everyLineOnce() throws Exception {
        for (boolean durable : new boolean[] {false, true}) {
            try (LocalLogBackend backend = backend(durable)) {
                String first = backend.getLogs(LogQuery.builder().afterId("log-1").limit(1).build()).get(0).id();
                assertThat(first).isEqualTo("log-2");
                assertThat(pageThrough(backend, LogQuery.all(), "log-1", 70)).as("durable reads %s", durable)
                        .containsExactlyElementsOf(IntStream.range(1, 2_000).mapToObj(i -> "line-" + i)
                                .collect(Collectors.toList()));
                assertThat(pageThrough(backend, LogQuery.builder().serviceName("web").build(), "log-1", 33))
                        .containsExactlyElementsOf(IntStream.range(1, 2_000).filter(i -> i % 4 == 0)
                                .mapToObj(i -> "line-" + i).collect(Collectors.toList()));
            }
            java.nio.file.Files.walk(dir).sorted(java.util.Comparator.reverseOrder()).filter(p -> !p.equals(dir))
                    .forEach(p -> p.toFile().delete());
        }
    }

    @Test
    @DisplayName("messages that cleanup removed are not served from the files either")
    void removedStayRemoved() throws Exception {
        try (LocalLogBackend backend = backend(false)) {
            // Only files hold lines this old (the memory has the last 100): the cleanup must reach them there.
            backend.cleanup(Duration.between(T0.plusMillis(1_000), Instant.now()));
            List<String> all = pageThrough(backend, LogQuery.all(), "log-1", 100);
            // The cutoff is line-1000's time plus the few milliseconds the clock moved meanwhile:
            // what is left is every line from about there to the end, and nothing before.
            List<String> lines = all.stream().filter(m -> m.startsWith("line-")).collect(Collectors.toList());
            int first = Integer.parseInt(lines.get(0).substring(5));
            assertThat(first).isBetween(1_000, 1_100);
            assertThat(lines).containsExactlyElementsOf(IntStream.range(first, 2_000).mapToObj(i -> "line-" + i)
                    .collect(Collectors.toList()));
        }
    }

    @Test
    @DisplayName("right after a flood, before any flush, a page from behind the memory skips no evicted line")
    void evictedButNotYetForced() throws Exception {
        // Regression: files are read only as far as they are forced to the device, and a flood of
        // more than maxLogs lines within one flush interval evicts lines not forced yet; the page
        // jumped from the last forced line to the memory, over them.
        try (LocalLogBackend backend = LocalLogBackend.builder().enableFilePersistence(true).logDir(dir)
                .maxLogs(100).flushInterval(Duration.ofSeconds(30)).build()) {
            backend.initialize();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                ids.add(backend.log(LogMessage.builder().message("line-" + i).timestamp(T0.plusMillis(i))
                        .level(LogLevel.INFO).build()).id());
            }
            List<LogMessage> page = backend.getLogs(LogQuery.builder().afterId(ids.get(0)).limit(5_000).build());
            assertThat(page).extracting(LogMessage::id).containsExactlyElementsOf(ids.subList(1, ids.size()));
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    @DisplayName("a poller paging from behind the memory while a flood evicts under it misses no line")
    void pagesDuringFlood() throws Exception {
        // Regression: the page decided "files up to the oldest in memory, then memory" with the
        // oldest read once; lines evicted while the files were read were jumped over.
        for (boolean durable : new boolean[] {false, true}) {
            Path runDir = java.nio.file.Files.createTempDirectory(dir, "flood");
            try (LocalLogBackend backend = LocalLogBackend.builder().enableFilePersistence(true).logDir(runDir)
                    .maxLogs(100).maxFileSize(16 * 1024).flushInterval(Duration.ofMillis(20)).durableReads(durable)
                    .build()) {
                backend.initialize();
                int lines = 20_000;
                String first = backend.log(LogMessage.builder().message("line-0").timestamp(T0)
                        .level(LogLevel.INFO).build()).id();
                Thread writer = new Thread(() -> {
                    for (int i = 1; i < lines; i++) {
                        backend.log(LogMessage.builder().message("line-" + i).timestamp(T0.plusMillis(i))
                                .level(LogLevel.INFO).build());
                    }
                }, "test-flood");
                writer.start();
                List<String> got = new ArrayList<>();
                String cursor = first;
                while (writer.isAlive() || got.size() < lines - 1) {
                    List<LogMessage> page = backend.getLogs(LogQuery.builder().afterId(cursor).limit(37).build());
                    page.forEach(m -> got.add(m.message()));
                    if (!page.isEmpty()) {
                        cursor = page.get(page.size() - 1).id();
                    } else if (!writer.isAlive()) {
                        backend.flush();
                        if (backend.getLogs(LogQuery.builder().afterId(cursor).limit(1).build()).isEmpty()) {
                            break;
                        }
                    }
                }
                writer.join();
                assertThat(got).as("durable reads %s", durable).containsExactlyElementsOf(
                        IntStream.range(1, lines).mapToObj(i -> "line-" + i).collect(Collectors.toList()));
            }
        }
    }
}
