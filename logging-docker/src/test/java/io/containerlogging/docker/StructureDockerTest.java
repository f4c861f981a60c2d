package io.containerlogging.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containerlogging.core.AttachOptions;
import io.containerlogging.core.LevelSource;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.structure.RedactionRule;
import io.containerlogging.core.structure.StructureOptions;
import io.containerlogging.local.LocalLogBackend;
import io.containerlogging.testing.DockerTest;
import io.containerlogging.testing.ScratchContainers;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The structure stage end to end: a real container prints JSON, logfmt, plain and stack-trace
 * lines on stdout and stderr, interleaved; they arrive parsed, levelled and grouped, and a restart
 * resumes after the last stored group without repeating or skipping one.
 */
@DockerTest
@Timeout(120)
@DisplayName("Structured logs against a real Docker engine")
class StructureDockerTest {

    /** JSON, stderr, logfmt, a logged error whose Java trace a stderr line interrupts, klog, then info. */
    static final String SCRIPT = String.join("; ",
            "echo '{\"level\":\"warn\",\"msg\":\"slow\",\"http\":{\"status\":503}}'",
            "echo 'plain on stderr' >&2",
            "echo 'ts=1 level=debug msg=\"cache miss\" key=user:1'",
            "echo '2026-01-01 10:00:00.000 ERROR [main] c.e.App - failed with Bearer abcdefghijklmnop'",
            "printf 'java.lang.IllegalStateException: boom\\n\\tat c.e.App.run(App.java:10)\\n'",
            "echo 'E0101 10:00:00.000000       1 main.go:1] between the frames, on stderr' >&2",
            "printf 'Caused by: java.io.IOException: disk\\n\\t... 3 more\\n'",
            "echo 'INFO done, 0 errors'");

    @TempDir
    Path dir;

    final ScratchContainers containers = new ScratchContainers();
    final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        containers.close();
    }

    LocalLogBackend backend() throws IOException {
        LocalLogBackend backend = LocalLogBackend.builder().enableFilePersistence(true).logDir(dir)
                .flushInterval(Duration.ofMillis(100)).build();
        backend.initialize();
        opened.add(backend);
        return backend;
    }

    ContainerLogMonitor monitor(LocalLogBackend backend) {
        ContainerLogMonitor monitor = ContainerLogMonitor.builder(DockerTests.client(), backend)
                .structure(StructureOptions.builder().redaction(RedactionRule.BUILT_IN).build()).build();
        opened.add(monitor);
        return monitor;
    }

    @Test
    @DisplayName("lines arrive parsed, levelled with their source, grouped per stream and redacted; the last is not held back")
    void parsedLevelledGrouped() throws Exception {
        String id = containers.run(SCRIPT + "; sleep 600");
        LocalLogBackend backend = backend();
        ContainerLogMonitor monitor = monitor(backend);
        monitor.attach(AttachOptions.builder(id).build());
        // "INFO done" is the last line and the container then sleeps: only the flush timer can hand it over
        await().atMost(Duration.ofSeconds(30)).until(() -> backend.count(LogQuery.builder().containerId(id).build()) == 6);
        List<LogMessage> logs = backend.getLogs(LogQuery.builder().containerId(id).build());

        LogMessage json = find(logs, "{\"level\"");
        assertThat(json.level()).isEqualTo(LogLevel.WARN);
        assertThat(json.levelSource()).isEqualTo(LevelSource.JSON);
        assertThat(json.fields().get("http.status")).isEqualTo(503L);
        LogMessage logfmt = find(logs, "ts=1");
        assertThat(logfmt.levelSource()).isEqualTo(LevelSource.LOGFMT);
        assertThat(logfmt.level()).isEqualTo(LogLevel.DEBUG);
        assertThat(logfmt.fields().get("key")).isEqualTo("user:1");
        LogMessage plain = find(logs, "plain on stderr");
        assertThat(plain.level()).isEqualTo(LogLevel.ERROR);
        assertThat(plain.levelSource()).isEqualTo(LevelSource.STREAM);
        LogMessage klog = find(logs, "E0101");
        assertThat(klog.isStdErr()).isTrue();
        assertThat(klog.levelSource()).isEqualTo(LevelSource.TEXT);
        LogMessage trace = find(logs, "2026-01-01 10:00:00.000 ERROR");
        assertThat(trace.message()).isEqualTo("2026-01-01 10:00:00.000 ERROR [main] c.e.App - failed with Bearer [REDACTED]\n"
                + "java.lang.IllegalStateException: boom\n\tat c.e.App.run(App.java:10)\n"
                + "Caused by: java.io.IOException: disk\n\t... 3 more");
        assertThat(trace.level()).isEqualTo(LogLevel.ERROR);
        assertThat(trace.isStdErr()).isFalse();
        LogMessage done = find(logs, "INFO done");
        assertThat(done.level()).isEqualTo(LogLevel.INFO);
        assertThat(done.levelSource()).isEqualTo(LevelSource.TEXT);
        assertThat(monitor.statistics().redactions()).containsEntry("bearer-token", 1L);
    }

    @Test
    @DisplayName("a restart resumes after the last stored trace: none is repeated, none skipped, each stays whole")
    void resumeAfterRestart() throws Exception {
        String id = containers.run(SCRIPT + "; sleep 4; " + SCRIPT.replace("failed with", "again failed with")
                + "; sleep 600");
        LocalLogBackend first = backend();
        ContainerLogMonitor firstMonitor = monitor(first);
        firstMonitor.attach(AttachOptions.builder(id).build());
        await().atMost(Duration.ofSeconds(30)).until(() -> first.count(LogQuery.builder().containerId(id).build()) == 6);
        firstMonitor.close();
        first.close();
        opened.clear();

        await().pollDelay(Duration.ofSeconds(5)).until(() -> true); // the second half is printed meanwhile
        LocalLogBackend second = backend();
        ContainerLogMonitor secondMonitor = monitor(second);
        secondMonitor.attach(AttachOptions.builder(id).build());
        await().atMost(Duration.ofSeconds(30)).until(() -> second.count(LogQuery.builder().containerId(id).build()) >= 12);
        await().pollDelay(Duration.ofSeconds(1)).until(() -> true); // time for (wrong) duplicates to arrive
        List<LogMessage> logs = second.getLogs(LogQuery.builder().containerId(id).build());
        assertThat(logs).hasSize(12);
        assertThat(logs).filteredOn(m -> m.message().contains("ERROR [main]"))
                .extracting(m -> m.message().split("\n").length).containsExactly(5, 5);
        assertThat(logs).filteredOn(m -> m.message().startsWith("INFO done")).hasSize(2);
    }

    private static LogMessage find(List<LogMessage> logs, String prefix) {
        return logs.stream().filter(m -> m.message().startsWith(prefix)).findFirst().orElseThrow(
                () -> new AssertionError("no message starting with " + prefix + " in " + logs));
    }
}
