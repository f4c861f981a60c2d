package io.containerlogging.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.testing.DockerTest;
import io.containerlogging.testing.ScratchContainers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DockerTest
@Timeout(90)
@DisplayName("With attachAtCreate, AutoRemove (--rm) containers are read from their creation, so none is lost")
class AutoRemoveDockerTest {

    final ScratchContainers containers = new ScratchContainers();
    final LogBackend backend = DockerTests.newBackend();

    @AfterEach
    void tearDown() {
        containers.close();
        backend.close();
    }

    /** Starts auto-attach and waits until the events stream is connected (a host starts it long before). */
    static ContainerLogMonitor started(ContainerLogMonitor monitor) {
        monitor.start();
        await().until(monitor::isEventsConnected);
        return monitor;
    }

    List<LogMessage> logsOf(String id) {
        return backend.getLogs(LogQuery.builder().containerId(id).build());
    }

    /**
     * Runs {@code count} AutoRemove containers that print one line to each stream and an
     * unterminated one, and exit at once, each started as {@code docker run --rm} starts it: once an attach has taken hold
     * (here: the monitor's).
     */
    List<String> runShortLived(ContainerLogMonitor monitor, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = containers.createAutoRemove("echo out-" + i + "; echo err-" + i + " >&2; printf tail-" + i);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> monitor.attachedContainers().stream().anyMatch(c -> c.containerId().equals(id)));
            containers.start(id);
            ids.add(id);
        }
        return ids;
    }

    void assertEachLineOnce(List<String> ids) {
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            await().atMost(Duration.ofSeconds(30)).alias("lines of container " + i)
                    .until(() -> logsOf(id).size() >= 3);
        }
        // the containers are gone: nothing more can arrive; check there is no duplicate
        await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream().noneMatch(this::exists));
        for (int i = 0; i < ids.size(); i++) {
            List<LogMessage> logs = logsOf(ids.get(i));
            // exactly once, although a catch-up read of the log follows the attach stream
            assertThat(logs).extracting(LogMessage::message)
                    .containsExactlyInAnyOrder("out-" + i, "err-" + i, "tail-" + i);
            LogMessage err = logs.stream().filter(LogMessage::isStdErr).findFirst().orElseThrow();
            assertThat(err.level()).isEqualTo(LogLevel.ERROR);
            assertThat(err.message()).isEqualTo("err-" + i);
        }
    }

    boolean exists(String id) {
        try {
            containers.docker().inspectContainerCmd(id).exec();
            return true;
        } catch (com.github.dockerjava.api.exception.NotFoundException e) {
            return false;
        }
    }

    @Test
    @DisplayName("20 one-line --rm containers that exit at once: every line arrives, exactly once")
    void shortLived() {
        try (ContainerLogMonitor monitor = started(ContainerLogMonitor.builder(DockerTests.client(), backend).attachAtCreate(true).build())) {
            Instant before = Instant.now().minusSeconds(5);
            List<String> ids = runShortLived(monitor, 20);
            assertEachLineOnce(ids);
            assertThat(logsOf(ids.get(0))).allSatisfy(m -> assertThat(m.timestamp()).isAfter(before));
            // deleted containers are forgotten
            await().until(() -> monitor.attachedContainers().stream().noneMatch(c -> ids.contains(c.containerId())));
        }
    }

    @Test
    @DisplayName("the same through a docker-java client not built by DockerClients")
    void shortLivedThroughDockerJava() throws Exception {
        try (DockerClient plain = DockerTests.plainDockerJavaClient();
                ContainerLogMonitor monitor = started(ContainerLogMonitor.builder(plain, backend).attachAtCreate(true).build())) {
            assertEachLineOnce(runShortLived(monitor, 5));
        }
    }

    @Test
    @DisplayName("a --rm container restarted: each run's lines once, the second run read from its log")
    void restarted() {
        try (ContainerLogMonitor monitor = started(ContainerLogMonitor.builder(DockerTests.client(), backend).attachAtCreate(true).build())) {
            String id = containers.createAutoRemove("echo started; echo also >&2; sleep 60");
            containers.start(id);
            await().atMost(Duration.ofSeconds(30)).until(() -> logsOf(id).size() >= 2);
            containers.restart(id);
            await().atMost(Duration.ofSeconds(30)).until(() -> logsOf(id).size() >= 4);
            containers.stop(id); // AutoRemove deletes it now: nothing more can come
            await().atMost(Duration.ofSeconds(30)).until(() -> !exists(id));
            assertThat(logsOf(id)).extracting(LogMessage::message)
                    .containsExactlyInAnyOrder("started", "also", "started", "also");
        }
    }

    @Test
    @DisplayName("by default (attachAtCreate off) a created --rm container is attached only when it starts")
    void offByDefault() {
        try (ContainerLogMonitor monitor = started(new ContainerLogMonitor(DockerTests.client(), backend))) {
            String created = containers.createAutoRemove("echo late; sleep 30");
            // events are handled in order: once a container run after it is attached, the create
            // event of the first one has been handled too
            String marker = containers.run("echo marker; sleep 30");
            await().atMost(Duration.ofSeconds(30)).until(() -> logsOf(marker).size() >= 1);
            assertThat(monitor.attachedContainers()).extracting(c -> c.containerId())
                    .contains(marker).doesNotContain(created);
            containers.start(created);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> monitor.attachedContainers().stream().anyMatch(c -> c.containerId().equals(created)));
        }
    }

    @Test
    @DisplayName("a container without --rm is still read from its log, with Docker's timestamps")
    void notAutoRemove() throws Exception {
        try (ContainerLogMonitor monitor = started(ContainerLogMonitor.builder(DockerTests.client(), backend).attachAtCreate(true).build())) {
            String id = containers.run("echo kept");
            await().atMost(Duration.ofSeconds(30)).until(() -> logsOf(id).size() >= 1);
            List<String> frames = new ArrayList<>();
            containers.docker().logContainerCmd(id).withStdOut(true).withTimestamps(true)
                    .exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<com.github.dockerjava.api.model.Frame>() {
                        @Override
                        public void onNext(com.github.dockerjava.api.model.Frame frame) {
                            frames.add(new String(frame.getPayload(), java.nio.charset.StandardCharsets.UTF_8));
                        }
                    }).awaitCompletion();
            String dockerStamp = frames.get(0).substring(0, frames.get(0).indexOf(' '));
            assertThat(logsOf(id)).extracting(LogMessage::message).containsExactly("kept");
            assertThat(logsOf(id).get(0).timestamp()).isEqualTo(Instant.parse(dockerStamp));
        }
    }
}
