package io.containerlogging.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containerlogging.core.AttachOptions;
import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.LogSubscription;
import io.containerlogging.local.LocalLogBackend;
import io.containerlogging.testing.DockerTest;
import io.containerlogging.testing.ScratchContainers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * No line lost, none duplicated. Each container prints sequence-numbered lines on stdout and
 * stderr, prefixed with how many times it has started ({@code /tmp/run} survives stop/start), and
 * the backend must end up with each exactly once, in order per stream. The backend's ring is
 * small ({@value #RING} messages), so it evicts during every test: what it stored is judged by a
 * subscription that records every stored message, not by what the ring still holds.
 */
@DockerTest
@Timeout(90)
@DisplayName("Collection resumes without loss or duplicates")
class ResumeDockerTest {

    static final int RING = 200;

    final ScratchContainers containers = new ScratchContainers();
    final LogBackend backend = smallBackend();
    final List<LogMessage> stored = Collections.synchronizedList(new ArrayList<>());
    final LogSubscription recorder = backend.subscribe(LogQuery.all(), 100_000, stored::add);
    final List<ContainerLogMonitor> monitors = new ArrayList<>();

    static LogBackend smallBackend() {
        LogBackend backend = LocalLogBackend.builder().maxLogs(RING).build();
        try {
            backend.initialize();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return backend;
    }

    ContainerLogMonitor newMonitor() {
        ContainerLogMonitor monitor = new ContainerLogMonitor(DockerTests.client(), backend);
        monitors.add(monitor);
        return monitor;
    }

    @AfterEach
    void tearDown() {
        monitors.forEach(ContainerLogMonitor::close);
        containers.close();
        recorder.close();
        backend.close();
    }

    /** Prints {@code lines} numbered lines per stream, pausing 50 ms every 100, then runs {@code after}. */
    static String numbered(int lines, String after) {
        return "r=$(cat /tmp/run 2>/dev/null || echo 0); r=$((r+1)); echo $r > /tmp/run; i=1; "
                + "while [ $i -le " + lines + " ]; do echo \"r$r out $i\"; echo \"r$r err $i\" >&2; "
                + "if [ $((i % 100)) -eq 0 ]; then sleep 0.05; fi; i=$((i+1)); done; " + after;
    }

    /**
     * Every message of the container the backend stored, evicted ones included. The recording
     * subscription is fed on a backend thread, so first wait until it has every message the
     * backend took so far: what this returns is what the backend stored, not what was delivered.
     */
    List<LogMessage> logsOf(String id) {
        long logged = backend.statistics().logged();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() -> stored.size() >= logged);
        synchronized (stored) {
            return stored.stream().filter(m -> id.equals(m.containerId())).toList();
        }
    }

    void awaitCount(String id, int count) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(logsOf(id)).hasSizeGreaterThanOrEqualTo(count));
    }

    /** Every line of runs 1..runs exactly once, in order per stream, and nothing else. */
    void assertExactlyOnce(String id, int runs, int lines) {
        List<String> expectedOut = new ArrayList<>();
        List<String> expectedErr = new ArrayList<>();
        for (int r = 1; r <= runs; r++) {
            for (int i = 1; i <= lines; i++) {
                expectedOut.add("r" + r + " out " + i);
                expectedErr.add("r" + r + " err " + i);
            }
        }
        // let anything late (a duplicate) arrive before judging
        await().pollDelay(Duration.ofMillis(300)).until(() -> true);
        List<LogMessage> logs = logsOf(id);
        assertThat(logs.stream().filter(m -> !m.isStdErr()).map(LogMessage::message).toList())
                .containsExactlyElementsOf(expectedOut);
        assertThat(logs.stream().filter(LogMessage::isStdErr).map(LogMessage::message).toList())
                .containsExactlyElementsOf(expectedErr);
    }

    @Test
    @DisplayName("detach and re-attach while the container keeps writing")
    void detachAndReattach() {
        ContainerLogMonitor monitor = newMonitor();
        String id = containers.run(numbered(2000, "sleep 60"));
        monitor.attach(AttachOptions.builder(id).build());
        awaitCount(id, 300);
        monitor.detach(id);
        // collection stops: the count settles (once the lines already read are stored) while the
        // container writes on
        AtomicInteger previous = new AtomicInteger(-1);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> logsOf(id).size() == previous.getAndSet(logsOf(id).size()));
        monitor.attach(AttachOptions.builder(id).build());
        awaitCount(id, 4000);
        assertExactlyOnce(id, 1, 2000);
    }

    @Test
    @DisplayName("container stop/start and restart: the stream is reopened where it ended")
    void stopStartRestart() {
        ContainerLogMonitor monitor = newMonitor();
        String id = containers.run(numbered(300, "sleep 600"));
        monitor.attach(AttachOptions.builder(id).build());
        awaitCount(id, 600);
        containers.stop(id);
        containers.start(id);
        awaitCount(id, 1200);
        containers.restart(id);
        awaitCount(id, 1800);
        assertExactlyOnce(id, 3, 300);
        assertThat(monitor.attachedContainers()).hasSize(1);
    }

    @Test
    @DisplayName("a new monitor on the same backend resumes after the newest stored line, though the ring evicted it")
    void monitorRestart() {
        String id = containers.run(numbered(3000, "sleep 60"));
        ContainerLogMonitor first = newMonitor();
        first.attach(AttachOptions.builder(id).build());
        awaitCount(id, 500);
        first.close();
        int seen = logsOf(id).size();
        await().pollDelay(Duration.ofMillis(300)).until(() -> true); // the container writes on meanwhile
        assertThat(logsOf(id)).hasSize(seen); // the closed monitor stored nothing more
        ContainerLogMonitor second = newMonitor();
        second.attach(AttachOptions.builder(id).build());
        awaitCount(id, 6000);
        assertExactlyOnce(id, 1, 3000);
    }

    @Test
    @DisplayName("containers that exit within 100 ms of starting lose nothing (auto-attach)")
    void shortLived() {
        ContainerLogMonitor monitor = newMonitor();
        monitor.start();
        List<String> ids = new ArrayList<>();
        for (int n = 0; n < 4; n++) {
            ids.add(containers.run("seq 1 100; echo bye >&2"));
        }
        String instant = containers.run("echo only");
        for (String id : ids) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(logsOf(id)).hasSize(101));
            // stdout and stderr are separate pipes: their relative order is not defined, each one's is
            List<LogMessage> logs = logsOf(id);
            assertThat(logs.stream().filter(m -> !m.isStdErr()).map(LogMessage::message).toList())
                    .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 100)
                            .mapToObj(Integer::toString).toList());
            assertThat(logs.stream().filter(LogMessage::isStdErr).map(LogMessage::message).toList())
                    .containsExactly("bye");
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(logsOf(instant)).extracting(LogMessage::message).containsExactly("only"));
    }

    @Test
    @DisplayName("regression: the last line a followed container writes as it exits is not lost "
            + "(dockerd often ends the follow stream before sending it)")
    void lastLineAtExit() {
        ContainerLogMonitor monitor = newMonitor();
        List<String> ids = new ArrayList<>();
        for (int n = 0; n < 5; n++) {
            ids.add(containers.run("sleep 0.5; echo first; printf 'last words'"));
        }
        for (String id : ids) {
            monitor.attach(AttachOptions.builder(id).build()); // attached while it sleeps: followed
        }
        for (String id : ids) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(logsOf(id)).extracting(LogMessage::message).containsExactly("first", "last words"));
        }
    }

    @Test
    @DisplayName("attaching after the container exited collects all it wrote")
    void attachAfterExit() {
        ContainerLogMonitor monitor = newMonitor();
        String id = containers.run(numbered(200, "exit 0"));
        await().until(() -> !containers.running(id));
        monitor.attach(AttachOptions.builder(id).build());
        awaitCount(id, 400);
        assertExactlyOnce(id, 1, 200);
    }
}
