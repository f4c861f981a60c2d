package io.containerlogging.docker;

import static io.containerlogging.testing.LogMessageAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import io.containerlogging.core.AttachOptions;
import io.containerlogging.core.AttachedContainer;
import io.containerlogging.core.ContainerNotFoundException;
import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.LogSource;
import io.containerlogging.testing.DockerTest;
import io.containerlogging.testing.ScratchContainers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DockerTest
@Timeout(60)
@DisplayName("Attaching to a container against a real Docker engine")
class AttachDockerTest {

    final ScratchContainers containers = new ScratchContainers();
    final LogBackend backend = DockerTests.newBackend();
    final ContainerLogMonitor monitor = newMonitor(backend);

    /** The monitor under test; a subclass runs every test again on another way to the engine. */
    ContainerLogMonitor newMonitor(LogBackend backend) {
        return new ContainerLogMonitor(DockerTests.client(), backend);
    }

    @AfterEach
    void tearDown() {
        monitor.close();
        containers.close();
        backend.close();
    }

    List<LogMessage> logsOf(String id) {
        return backend.getLogs(LogQuery.builder().containerId(id).build());
    }

    List<LogMessage> awaitLines(String id, int count) {
        await().atMost(Duration.ofSeconds(30)).alias("lines so far: " + id)
                .untilAsserted(() -> assertThat(logsOf(id)).extracting(LogMessage::message).hasSizeGreaterThanOrEqualTo(count));
        return logsOf(id);
    }

    @Test
    @DisplayName("stdout is info, stderr is error with isStdErr, both with service, source and container id")
    void stdoutAndStderr() {
        String id = containers.run("echo to-out; echo to-err >&2; sleep 30");
        AttachedContainer attached = monitor.attach(AttachOptions.builder(id.substring(0, 12))
                .serviceId(7).serviceName("web").build());
        assertThat(attached).isEqualTo(new AttachedContainer(id, 7, "web"));
        assertThat(monitor.attachedContainers()).containsExactly(attached);

        List<LogMessage> logs = awaitLines(id, 2);
        LogMessage out = logs.stream().filter(m -> m.message().equals("to-out")).findFirst().orElseThrow();
        LogMessage err = logs.stream().filter(m -> m.message().equals("to-err")).findFirst().orElseThrow();
        assertThat(out).hasLevel(LogLevel.INFO).isNotStdErr();
        assertThat(err).hasLevel(LogLevel.ERROR).isStdErr();
        for (LogMessage message : logs) {
            assertThat(message).hasSource(LogSource.container("web")).hasServiceId(7).hasServiceName("web")
                    .hasContainerId(id).isNotSystem();
        }
    }

    @Test
    @DisplayName("a client not built by DockerClients reads the very same lines through docker-java's transport")
    void plainDockerJavaClient() throws Exception {
        String id = containers.run("for i in $(seq 1 300); do echo out-$i; echo err-$i >&2; done;"
                + " head -c 40000 /dev/zero | tr '\\0' z; echo; printf unterminated");
        await().atMost(Duration.ofSeconds(30)).until(() -> !containers.running(id));
        try (DockerClient plain = DockerTests.plainDockerJavaClient();
                LogBackend other = DockerTests.newBackend();
                ContainerLogMonitor viaDockerJava = new ContainerLogMonitor(plain, other)) {
            monitor.attach(AttachOptions.builder(id).build());
            viaDockerJava.attach(AttachOptions.builder(id).build());
            List<LogMessage> direct = awaitLines(id, 602);
            await().atMost(Duration.ofSeconds(30)).until(() -> other.count() >= 602);
            List<LogMessage> through = other.getLogs(LogQuery.builder().containerId(id).build());
            assertThat(direct).hasSize(602);
            assertThat(through).extracting(LogMessage::timestamp, LogMessage::isStdErr, LogMessage::message)
                    .containsExactlyElementsOf(direct.stream()
                            .map(m -> org.assertj.core.groups.Tuple.tuple(m.timestamp(), m.isStdErr(), m.message()))
                            .toList());
            assertThat(direct).extracting(LogMessage::message)
                    .contains("out-1", "err-300", "z".repeat(40000), "unterminated");
        }
    }

    @Test
    @DisplayName("with lifecycleEvents, attach and detach are recorded as manager events; without, nothing is")
    void lifecycleEvents() {
        String id = containers.run("sleep 30");
        try (ContainerLogMonitor recording = ContainerLogMonitor.builder(DockerTests.client(), backend)
                .lifecycleEvents(true).build()) {
            recording.attach(AttachOptions.builder(id).serviceId(3).serviceName("db").build());
            assertThat(recording.detach(id)).isTrue();
        }
        monitor.attach(AttachOptions.builder(id).build()); // the default monitor: no events
        monitor.detach(id);

        List<String> events = backend.getLogs(LogQuery.builder()
                .sourceType(io.containerlogging.core.SourceType.MANAGER).build())
                .stream().map(LogMessage::message).toList();
        assertThat(events).containsExactly(
                "container-attached {\"containerId\":\"" + id + "\",\"serviceName\":\"db\",\"serviceId\":3}",
                "container-detached {\"containerId\":\"" + id + "\",\"serviceName\":\"db\",\"serviceId\":3}");
    }

    @Test
    @DisplayName("Docker's timestamps are kept at full precision and stripped from the text")
    void timestamps() {
        String id = containers.run("seq 1 200; sleep 30");
        monitor.attach(AttachOptions.builder(id).build());
        List<LogMessage> logs = awaitLines(id, 200);
        assertThat(logs).extracting(LogMessage::message)
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 200).mapToObj(Integer::toString).toList());
        // Docker stamps with nanoseconds: some of 200 stamps must carry digits below the millisecond.
        assertThat(logs).anyMatch(m -> m.timestamp().getNano() % 1_000_000 != 0);
        assertThat(logs).extracting(LogMessage::timestamp).isSorted();
    }

    @Test
    @DisplayName("a TTY container's output is stored as stdout without \\r")
    void tty() {
        String id = containers.create("echo tty-out; echo tty-err >&2; printf '%020000d\\n' 5; "
                + "printf 'no newline at exit'", true, Map.of());
        containers.start(id);
        await().until(() -> !containers.running(id));
        monitor.attach(AttachOptions.builder(id).build());
        List<LogMessage> logs = awaitLines(id, 4);
        assertThat(logs).extracting(LogMessage::message)
                .containsExactly("tty-out", "tty-err", "0".repeat(19_999) + "5", "no newline at exit");
        assertThat(logs).allMatch(m -> !m.isStdErr() && m.level() == LogLevel.INFO);
    }

    @Test
    @DisplayName("the service name defaults to the compose label, else the container name without '/'")
    void serviceNameFromLabelsOrName() {
        String labelled = containers.create("sleep 30", false, Map.of("com.docker.compose.service", "api",
                "io.containerlogging.service-id", "42"));
        String plain = containers.create("sleep 30");
        containers.start(labelled, plain);
        assertThat(monitor.attach(AttachOptions.builder(labelled).build()))
                .isEqualTo(new AttachedContainer(labelled, 42, "api"));
        assertThat(monitor.attach(AttachOptions.builder(plain).build()))
                .isEqualTo(new AttachedContainer(plain, null, containers.name(plain)));
    }

    @Test
    @DisplayName("lines over 16 KiB arrive whole; partial writes and the unterminated last line are delivered")
    void longAndPartialLines() {
        String id = containers.run("printf '%040000d\\n' 7; printf 'part-'; sleep 0.2; printf 'ial\\n'; "
                + "echo after; printf 'unterminated last line'");
        monitor.attach(AttachOptions.builder(id).build());
        List<LogMessage> logs = awaitLines(id, 4);
        assertThat(logs).hasSize(4);
        assertThat(logs.get(0).message()).hasSize(40_000).matches("0+7");
        assertThat(logs.subList(1, 4)).extracting(LogMessage::message)
                .containsExactly("part-ial", "after", "unterminated last line");
    }

    @Test
    @DisplayName("invalid UTF-8 from a container is replaced, and the lines around it survive")
    void invalidUtf8() {
        String id = containers.run("echo before; printf 'bad \\377\\376 bytes\\n'; echo after");
        monitor.attach(AttachOptions.builder(id).build());
        List<LogMessage> logs = awaitLines(id, 3);
        assertThat(logs).extracting(LogMessage::message).containsExactly("before", "bad \uFFFD\uFFFD bytes", "after");
    }

    @Test
    @DisplayName("a line over the maximum length is truncated and marked")
    void maxLineLength() {
        try (ContainerLogMonitor small = ContainerLogMonitor.builder(DockerTests.client(), backend)
                .maxLineLength(1000).build()) {
            String id = containers.run("printf '%040000d\\n' 7; echo next");
            small.attach(AttachOptions.builder(id).build());
            List<LogMessage> logs = awaitLines(id, 2);
            assertThat(logs.get(0).message()).isEqualTo("0".repeat(1000) + " [truncated 39000 bytes]");
            assertThat(logs.get(1).message()).isEqualTo("next");
        }
    }

    @Test
    @DisplayName("attaching twice replaces the service and does not duplicate lines")
    void attachTwice() {
        String id = containers.run("seq 1 50; sleep 30");
        monitor.attach(AttachOptions.builder(id).serviceName("one").build());
        awaitLines(id, 50);
        assertThat(monitor.attach(AttachOptions.builder(id).serviceName("two").build()).serviceName()).isEqualTo("two");
        assertThat(monitor.attachedContainers()).extracting(AttachedContainer::serviceName).containsExactly("two");
        await().during(Duration.ofMillis(500)).until(() -> logsOf(id).size() == 50);
    }

    @Test
    @DisplayName("attach and detach also take the container's name")
    void byName() {
        String id = containers.run("echo named; sleep 30");
        String name = containers.name(id);
        assertThat(monitor.attach(AttachOptions.builder(name).build()).containerId()).isEqualTo(id);
        awaitLines(id, 1);
        assertThat(monitor.detach(name)).isTrue();
        assertThat(monitor.attachedContainers()).isEmpty();
    }

    @Test
    @DisplayName("attaching an unknown container is a not-found error")
    void unknownContainer() {
        assertThatThrownBy(() -> monitor.attach(AttachOptions.builder("no-such-container-" + System.nanoTime()).build()))
                .isInstanceOf(ContainerNotFoundException.class).hasMessageContaining("no such container");
        assertThat(monitor.attachedContainers()).isEmpty();
    }

    @Test
    @DisplayName("detach stops collection and reports whether the container was attached")
    void detach() {
        String id = containers.run("echo one; sleep 1; echo two; sleep 30");
        monitor.attach(AttachOptions.builder(id).build());
        awaitLines(id, 1);
        assertThat(monitor.detach(id.substring(0, 10))).isTrue();
        assertThat(monitor.detach(id)).isFalse();
        assertThat(monitor.detach("no-such-container")).isFalse();
        assertThat(monitor.attachedContainers()).isEmpty();
        await().during(Duration.ofMillis(1500)).until(() -> logsOf(id).size() == 1);
    }

    @Test
    @DisplayName("options: since (inclusive, nanosecond precision), follow=false, stdout/stderr selection")
    void options() {
        String id = containers.run("i=1; while [ $i -le 100 ]; do echo \"out $i\"; echo \"err $i\" >&2; i=$((i+1)); done; sleep 30");
        monitor.attach(AttachOptions.builder(id).build());
        List<LogMessage> all = awaitLines(id, 200);
        LogMessage fiftyFirst = all.stream().filter(m -> m.message().equals("out 51")).findFirst().orElseThrow();

        LogBackend other = DockerTests.newBackend();
        try (ContainerLogMonitor second = new ContainerLogMonitor(DockerTests.client(), other)) {
            second.attach(AttachOptions.builder(id).since(fiftyFirst.timestamp()).follow(false).stderr(false).build());
            await().untilAsserted(() -> assertThat(other.getLogs(LogQuery.all())).hasSize(50));
            assertThat(other.getLogs(LogQuery.all())).extracting(LogMessage::message).containsExactlyElementsOf(
                    java.util.stream.IntStream.rangeClosed(51, 100).mapToObj(i -> "out " + i).toList());
            // without follow the container is detached once its log is read
            await().until(() -> second.attachedContainers().isEmpty());
        } finally {
            other.close();
        }
    }
}
