package io.containerlogging.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containerlogging.core.AttachOptions;
import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.local.LocalLogBackend;
import io.containerlogging.testing.DockerTest;
import io.containerlogging.testing.ScratchContainers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Read positions are durable state of their own: a restart resumes every container after the last
 * line stored, whatever the ring evicted or cleanup removed meanwhile, and a container with no
 * position is read only as far back as the first-read policy says.
 */
@DockerTest
@Timeout(120)
@DisplayName("Durable read checkpoints against a real Docker engine")
class DurableResumeDockerTest {

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

    LocalLogBackend persistentBackend(int maxLogs) throws IOException {
        LocalLogBackend backend = LocalLogBackend.builder().maxLogs(maxLogs).enableFilePersistence(true).logDir(dir)
                .flushInterval(Duration.ofMillis(100)).build();
        backend.initialize();
        opened.add(backend);
        return backend;
    }

    ContainerLogMonitor monitor(LocalLogBackend backend, FirstRead firstRead) {
        ContainerLogMonitor monitor = ContainerLogMonitor.builder(DockerTests.client(), backend).firstRead(firstRead).build();
        opened.add(monitor);
        return monitor;
    }

    /** Every message in the log files, in file order. */
    List<LogMessage> filed() throws IOException {
        List<LogMessage> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches("container-manager-\\d+\\.log(\\.gz)?"))
                    .sorted().toList()) {
                java.io.InputStream in = Files.newInputStream(file);
                if (file.toString().endsWith(".gz")) {
                    in = new java.util.zip.GZIPInputStream(in);
                }
                byte[] bytes;
                try (java.io.InputStream stream = in) {
                    bytes = stream.readAllBytes();
                }
                for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                    if (!line.isBlank()) {
                        all.add(LogJson.fromJson(line));
                    }
                }
            }
        }
        return all;
    }

    List<String> filedTexts(String containerId) throws IOException {
        return filed().stream().filter(m -> containerId.equals(m.containerId())).map(LogMessage::message).toList();
    }

    static List<String> numbered(String prefix, int lines) {
        return IntStream.rangeClosed(1, lines).mapToObj(i -> prefix + " " + i).toList();
    }

    @Test
    @DisplayName("a restart after the ring evicted a quiet container's lines reads none of them again")
    void evictedLinesAreNotReadAgain() throws Exception {
        String quiet = containers.run("i=1; while [ $i -le 50 ]; do echo \"quiet $i\"; i=$((i+1)); done; sleep 600");
        String loud = containers.run("sleep 1; i=1; while [ $i -le 1000 ]; do echo \"loud $i\"; i=$((i+1)); done; sleep 600");
        LocalLogBackend first = persistentBackend(300);
        ContainerLogMonitor firstMonitor = monitor(first, FirstRead.DEFAULT);
        firstMonitor.attach(AttachOptions.builder(quiet).build());
        firstMonitor.attach(AttachOptions.builder(loud).build());
        await().atMost(Duration.ofSeconds(60)).until(() -> first.readPosition(loud, false)
                .map(p -> p.timestamp() != null).orElse(false)
                && filedCount(loud) == 1000 && filedCount(quiet) == 50);
        assertThat(first.count(LogQuery.builder().containerId(quiet).build())).as("the ring evicted the quiet lines").isZero();
        firstMonitor.close();
        first.close();

        LocalLogBackend second = persistentBackend(300);
        ContainerLogMonitor secondMonitor = monitor(second, FirstRead.DEFAULT);
        secondMonitor.attach(AttachOptions.builder(quiet).build());
        secondMonitor.attach(AttachOptions.builder(loud).build());
        await().pollDelay(Duration.ofSeconds(2)).until(() -> true); // time to (wrongly) read them again
        second.flush();
        secondMonitor.close();
        second.close();

        assertThat(filedTexts(quiet)).containsExactlyElementsOf(numbered("quiet", 50));
        assertThat(filedTexts(loud)).containsExactlyElementsOf(numbered("loud", 1000));
    }

    @Test
    @DisplayName("a container that exited while no monitor ran is read to its end at the next start, nothing twice")
    void exitedWhileDownIsReadToItsEnd() throws Exception {
        String id = containers.run("i=1; while [ $i -le 60 ]; do echo \"line $i\"; i=$((i+1)); sleep 0.05; done");
        LocalLogBackend first = persistentBackend(1000);
        ContainerLogMonitor firstMonitor = monitor(first, FirstRead.DEFAULT);
        firstMonitor.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> filedCount(id) >= 5);
        firstMonitor.close();
        first.close();
        assertThat(containers.running(id)).as("stopped mid-stream (else this proves nothing)").isTrue();
        assertThat(filedCount(id)).isLessThan(60);
        await().atMost(Duration.ofSeconds(30)).until(() -> !containers.running(id));

        LocalLogBackend second = persistentBackend(1000);
        ContainerLogMonitor secondMonitor = monitor(second, FirstRead.DEFAULT);
        secondMonitor.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            second.flush();
            return filedCount(id) >= 60;
        });
        await().pollDelay(Duration.ofSeconds(1)).until(() -> true); // time to (wrongly) read some twice
        second.flush();
        assertThat(filedTexts(id)).containsExactlyElementsOf(numbered("line", 60));
    }

    private long filedCount(String containerId) throws IOException {
        return filed().stream().filter(m -> containerId.equals(m.containerId())).count();
    }

    @Test
    @DisplayName("lines that cleanup removed with a short age neither come back nor are read again after a restart")
    void cleanupStaysRemoved() throws Exception {
        String id = containers.run("echo before; sleep 2; echo after; sleep 600");
        LocalLogBackend first = persistentBackend(1000);
        ContainerLogMonitor firstMonitor = monitor(first, FirstRead.DEFAULT);
        firstMonitor.attach(AttachOptions.builder(id).build());
        await().atMost(Duration.ofSeconds(30)).until(() ->
                first.getLogs(LogQuery.builder().containerId(id).build()).size() == 2);
        LogMessage after = first.getLogs(LogQuery.builder().containerId(id).build()).get(1);
        // removes "before" (2 s older than "after"), keeps "after"
        Duration age = Duration.between(after.timestamp().minusMillis(500), java.time.Instant.now());
        assertThat(first.cleanup(age)).isEqualTo(1);
        firstMonitor.close();
        first.close();

        LocalLogBackend second = persistentBackend(1000);
        ContainerLogMonitor secondMonitor = monitor(second, FirstRead.DEFAULT);
        secondMonitor.attach(AttachOptions.builder(id).build());
        await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
        assertThat(second.getLogs(LogQuery.builder().containerId(id).build())).extracting(LogMessage::message)
                .containsExactly("after");
    }

    @Test
    @DisplayName("a container first seen with lines older than the window contributes only what it prints afterwards")
    void firstReadWindow() throws Exception {
        String id = containers.run("echo old 1; echo old 2; sleep 6; i=1; while true; do echo \"new $i\"; i=$((i+1)); sleep 0.1; done");
        await().pollDelay(Duration.ofSeconds(6)).until(() -> true); // the old lines are now 6 s old
        LocalLogBackend backend = persistentBackend(1000);
        monitor(backend, FirstRead.window(Duration.ofSeconds(5))).attach(AttachOptions.builder(id).build());
        await().atMost(Duration.ofSeconds(30)).until(() ->
                backend.count(LogQuery.builder().containerId(id).build()) >= 5);
        List<String> texts = backend.getLogs(LogQuery.builder().containerId(id).build()).stream()
                .map(LogMessage::message).toList();
        assertThat(texts).noneMatch(text -> text.startsWith("old")).allMatch(text -> text.startsWith("new"));
    }

    @Test
    @DisplayName("FirstRead.lastLines(3) takes the last three lines written before the attach, then everything new")
    void firstReadLastLines() throws Exception {
        String id = containers.run("i=1; while [ $i -le 10 ]; do echo \"line $i\"; i=$((i+1)); done; sleep 2; echo later; sleep 600");
        await().pollDelay(Duration.ofMillis(800)).until(() -> true);
        LocalLogBackend backend = persistentBackend(1000);
        monitor(backend, FirstRead.lastLines(3)).attach(AttachOptions.builder(id).build());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(backend.getLogs(LogQuery.builder().containerId(id).build())).extracting(LogMessage::message)
                        .containsExactly("line 8", "line 9", "line 10", "later"));
    }
}
