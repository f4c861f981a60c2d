package io.containerlogging.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import io.containerlogging.core.AttachOptions;
import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.LogSubscription;
import io.containerlogging.testing.DockerEngine;
import io.containerlogging.testing.DockerTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Reading containers' json-file logs from disk ({@link ContainerLogMonitor.Builder#readLogFiles}):
 * the same lines as through the Engine API, exactly once, through rotations and monitor
 * restarts, and the API where the files cannot be read. Each test checks through
 * {@link ContainerLogMonitor#statistics()} which way the lines really came.
 */
@DockerTest
@Timeout(120)
@DisplayName("Reading containers' log files from disk")
class LogFileDockerTest {

    final DockerClient docker = DockerTests.client();
    final LogBackend backend = DockerTests.newBackend();
    final List<LogMessage> stored = Collections.synchronizedList(new ArrayList<>());
    final LogSubscription recorder = backend.subscribe(LogQuery.all(), 1_000_000, stored::add);
    final List<ContainerLogMonitor> monitors = new ArrayList<>();
    final List<String> created = new ArrayList<>();

    @AfterEach
    void tearDown() {
        monitors.forEach(ContainerLogMonitor::close);
        for (String id : created) {
            try {
                docker.removeContainerCmd(id).withForce(true).exec();
            } catch (NotFoundException e) {
                // gone already
            }
        }
        recorder.close();
        backend.close();
    }

    ContainerLogMonitor monitor(ContainerLogMonitor.Builder builder) {
        ContainerLogMonitor monitor = builder.build();
        monitors.add(monitor);
        return monitor;
    }

    ContainerLogMonitor monitor() {
        return monitor(ContainerLogMonitor.builder(docker, backend));
    }

    /** Starts a container running {@code script} with the given log driver and options. */
    String run(String script, String driver, Map<String, String> logOptions) {
        LogConfig.LoggingType type = LogConfig.LoggingType.fromValue(driver);
        String id = docker.createContainerCmd(DockerEngine.IMAGE).withCmd("sh", "-c", script)
                .withHostConfig(HostConfig.newHostConfig().withLogConfig(new LogConfig(type, logOptions)))
                .exec().getId();
        created.add(id);
        docker.startContainerCmd(id).exec();
        return id;
    }

    boolean running(String id) {
        return Boolean.TRUE.equals(docker.inspectContainerCmd(id).exec().getState().getRunning());
    }

    /** Numbered lines on stdout and stderr, pausing 20 ms every {@code every} lines. */
    static String numbered(int lines, int every) {
        return "i=1; while [ $i -le " + lines + " ]; do echo \"out $i padding-padding-padding\";"
                + " echo \"err $i\" >&2; if [ $((i % " + every + ")) -eq 0 ]; then sleep 0.02; fi; i=$((i+1)); done";
    }

    List<LogMessage> logsOf(String id) {
        long logged = backend.statistics().logged();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() -> stored.size() >= logged);
        synchronized (stored) {
            return stored.stream().filter(m -> id.equals(m.containerId())).toList();
        }
    }

    void awaitExactlyOnce(String id, int lines) {
        List<String> out = new ArrayList<>();
        List<String> err = new ArrayList<>();
        for (int i = 1; i <= lines; i++) {
            out.add("out " + i + " padding-padding-padding");
            err.add("err " + i);
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .alias("all lines of " + id)
                .until(() -> logsOf(id).size() >= 2 * lines);
        await().pollDelay(Duration.ofMillis(300)).until(() -> true); // a duplicate would arrive meanwhile
        List<LogMessage> logs = logsOf(id);
        assertThat(logs.stream().filter(m -> !m.isStdErr()).map(LogMessage::message).toList())
                .containsExactlyElementsOf(out);
        assertThat(logs.stream().filter(LogMessage::isStdErr).map(LogMessage::message).toList())
                .containsExactlyElementsOf(err);
    }

    @Test
    @DisplayName("lines come from the file exactly once and in order, stdout and stderr apart, a 40 000-byte line joined")
    void linesFromTheFile() {
        ContainerLogMonitor monitor = monitor();
        String id = run(numbered(2000, 100) + "; head -c 40000 /dev/zero | tr '\\0' z; echo; echo done", "json-file",
                Map.of());
        monitor.attach(AttachOptions.builder(id).build());
        await().atMost(Duration.ofSeconds(60)).until(() -> logsOf(id).stream().anyMatch(m -> m.message().equals("done")));
        List<LogMessage> logs = logsOf(id);
        assertThat(logs.stream().filter(m -> m.message().length() == 40_000).map(m -> m.message().replace("z", "")))
                .containsExactly("");
        assertThat(monitor.statistics().fileStreams()).isGreaterThanOrEqualTo(1);
        assertThat(monitor.statistics().apiStreams()).isZero();
        assertThat(monitor.statistics().fileFallbacks()).isZero();
        assertThat(monitor.statistics().skippedFileLines()).isZero();
        List<String> outs = logs.stream().filter(m -> !m.isStdErr() && m.message().startsWith("out "))
                .map(LogMessage::message).toList();
        assertThat(outs).hasSize(2000).first().isEqualTo("out 1 padding-padding-padding");
        assertThat(logs.stream().filter(LogMessage::isStdErr).map(LogMessage::message).toList())
                .hasSize(2000).allMatch(text -> text.startsWith("err "));
        assertThat(logs).filteredOn(m -> m.message().equals("done")).hasSize(1);
    }

    @Test
    @DisplayName("a container that stops ends the file read, and its next start is read on from there")
    void stopAndStart() {
        ContainerLogMonitor monitor = monitor();
        String id = run("n=$(cat /tmp/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > /tmp/n; echo \"run $n\"",
                "json-file", Map.of());
        monitor.attach(AttachOptions.builder(id).build());
        await().atMost(Duration.ofSeconds(30)).until(() -> logsOf(id).size() == 1 && !running(id));
        docker.startContainerCmd(id).exec();
        await().atMost(Duration.ofSeconds(30)).until(() -> logsOf(id).size() >= 2);
        await().pollDelay(Duration.ofMillis(500)).until(() -> true);
        assertThat(logsOf(id)).extracting(LogMessage::message).containsExactly("run 1", "run 2");
        assertThat(monitor.statistics().apiStreams()).isZero();
    }

    @Test
    @DisplayName("rotation (max-size 10k, max-file 3) while following: every line exactly once")
    void rotation() {
        ContainerLogMonitor monitor = monitor();
        // it starts writing once the reader follows: with 3 files of 10k, a late reader would find
        // the first lines deleted by dockerd (through the API as well)
        String id = run("sleep 1; " + numbered(3000, 20), "json-file", Map.of("max-size", "10k", "max-file", "3"));
        monitor.attach(AttachOptions.builder(id).build());
        awaitExactlyOnce(id, 3000);
        assertThat(monitor.statistics().fileStreams()).isGreaterThanOrEqualTo(1);
        assertThat(monitor.statistics().fileFallbacks()).isZero();
    }

    @Test
    @DisplayName("rotation with compressed rotated files while following: every line exactly once")
    void compressedRotation() {
        ContainerLogMonitor monitor = monitor();
        String id = run("sleep 1; " + numbered(3000, 20), "json-file",
                Map.of("max-size", "10k", "max-file", "3", "compress", "true"));
        monitor.attach(AttachOptions.builder(id).build());
        awaitExactlyOnce(id, 3000);
        assertThat(monitor.statistics().fileStreams()).isGreaterThanOrEqualTo(1);
        assertThat(monitor.statistics().fileFallbacks()).isZero();
    }

    @Test
    @DisplayName("a new monitor resumes after rotations, reading the rotated (compressed) files it needs")
    void monitorRestartAfterRotation() {
        String id = run("sleep 1; " + numbered(3000, 20), "json-file",
                Map.of("max-size", "10k", "max-file", "20", "compress", "true"));
        ContainerLogMonitor first = monitor();
        first.attach(AttachOptions.builder(id).build());
        await().atMost(Duration.ofSeconds(60)).until(() -> logsOf(id).size() >= 1000);
        first.close();
        await().pollDelay(Duration.ofMillis(300)).until(() -> true); // rotations while nobody reads
        ContainerLogMonitor second = monitor();
        second.attach(AttachOptions.builder(id).build());
        awaitExactlyOnce(id, 3000);
        assertThat(second.statistics().fileStreams()).isGreaterThanOrEqualTo(1);
        assertThat(second.statistics().apiStreams()).isZero();
    }

    @Test
    @DisplayName("the local log driver is read through the API")
    void localDriver() {
        ContainerLogMonitor monitor = monitor();
        String id = run(numbered(200, 50), "local", Map.of());
        monitor.attach(AttachOptions.builder(id).build());
        awaitExactlyOnce(id, 200);
        assertThat(monitor.statistics().fileStreams()).isZero();
        assertThat(monitor.statistics().apiStreams()).isGreaterThanOrEqualTo(1);
    }

    @Test
    @DisplayName("a log file that cannot be read here is read through the API")
    void unreadableFile() {
        ContainerLogMonitor monitor = monitor(ContainerLogMonitor.builder(docker, backend)
                .logFilePaths(path -> Path.of("/nonexistent").resolve(path.getFileName())));
        String id = run(numbered(200, 50), "json-file", Map.of());
        monitor.attach(AttachOptions.builder(id).build());
        awaitExactlyOnce(id, 200);
        assertThat(monitor.statistics().fileStreams()).isZero();
        assertThat(monitor.statistics().apiStreams()).isGreaterThanOrEqualTo(1);
    }

    @Test
    @DisplayName("with readLogFiles(false) every container is read through the API")
    void switchedOff() {
        ContainerLogMonitor monitor = monitor(ContainerLogMonitor.builder(docker, backend).readLogFiles(false));
        String id = run(numbered(200, 50), "json-file", Map.of());
        monitor.attach(AttachOptions.builder(id).build());
        awaitExactlyOnce(id, 200);
        assertThat(monitor.statistics().fileStreams()).isZero();
    }

    @Test
    @DisplayName("detach stops the file reader thread at once")
    void detachStopsTheReader() {
        List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
        ContainerLogMonitor monitor = monitor(ContainerLogMonitor.builder(docker, backend).threadFactory(r -> {
            Thread thread = new Thread(r, "log-file-test");
            thread.setDaemon(true);
            threads.add(thread);
            return thread;
        }));
        String id = run("echo one; sleep 60", "json-file", Map.of());
        monitor.attach(AttachOptions.builder(id).build());
        await().atMost(Duration.ofSeconds(30)).until(() -> logsOf(id).size() == 1);
        assertThat(monitor.statistics().fileStreams()).isEqualTo(1);
        monitor.close();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(threads).noneMatch(Thread::isAlive));
    }
}
