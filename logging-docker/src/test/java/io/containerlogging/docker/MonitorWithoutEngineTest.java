package io.containerlogging.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.DockerClient;
import io.containerlogging.core.AttachOptions;
import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.LogSource;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
@DisplayName("ContainerLogMonitor without a reachable engine")
class MonitorWithoutEngineTest {

    static final Instant NOW = Instant.parse("2026-11-24T10:00:00.123456789Z");

    final DockerClient nowhere = DockerClients.forHost("unix:///nonexistent/docker.sock");
    final LogBackend backend = DockerTests.newBackend();
    final ContainerLogMonitor monitor = ContainerLogMonitor.builder(nowhere, backend)
            .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();

    @AfterEach
    void tearDown() throws IOException {
        monitor.close();
        backend.close();
        nowhere.close();
    }

    @Test
    @DisplayName("start() and attach() fail at once with a clear error when Docker is unreachable")
    void unreachable() {
        assertThatThrownBy(monitor::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot reach the Docker engine");
        assertThatThrownBy(() -> monitor.attach(AttachOptions.builder("abc").build()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot reach the Docker engine");
        assertThat(monitor.attachedContainers()).isEmpty();
        assertThat(monitor.isEventsConnected()).isFalse();
    }

    @Test
    @DisplayName("a TCP engine that refuses connections fails fast too")
    void refused() throws IOException {
        try (DockerClient refused = DockerClients.forHost("tcp://127.0.0.1:1");
                ContainerLogMonitor other = new ContainerLogMonitor(refused, backend)) {
            assertThatThrownBy(other::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot reach the Docker engine");
        }
    }

    @Test
    @DisplayName("system messages are stored with source system and the monitor's clock")
    void systemMessage() {
        monitor.logSystemMessage("Application started", LogLevel.INFO);
        assertThat(backend.getLogs(LogQuery.all())).singleElement().satisfies(m -> {
            assertThat(m.message()).isEqualTo("Application started");
            assertThat(m.source()).isEqualTo(LogSource.SYSTEM);
            assertThat(m.isSystem()).isTrue();
            assertThat(m.level()).isEqualTo(LogLevel.INFO);
            assertThat(m.timestamp()).isEqualTo(NOW);
            assertThat(m.id()).isNotNull();
        });
    }

    @Test
    @DisplayName("manager events carry their details as JSON in the text, so they can be read and filtered")
    void managerEvent() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("apps", 3);
        details.put("services", 7);
        details.put("names", List.of("web", "db"));
        details.put("note", "quote \" and newline \n");
        details.put("none", null);
        monitor.logManagerEvent("reconciliation-complete", details, LogLevel.WARN);
        monitor.logManagerEvent("bare", Map.of(), LogLevel.DEBUG);
        monitor.logManagerEvent("nulls", null, LogLevel.DEBUG);
        List<LogMessage> logs = backend.getLogs(LogQuery.all());
        assertThat(logs).extracting(LogMessage::message).containsExactly(
                "reconciliation-complete {\"apps\":3,\"services\":7,\"names\":[\"web\",\"db\"],"
                        + "\"note\":\"quote \\\" and newline \\n\",\"none\":null}",
                "bare", "nulls");
        assertThat(logs.get(0).source()).isEqualTo(LogSource.MANAGER);
        assertThat(logs.get(0).level()).isEqualTo(LogLevel.WARN);
        assertThat(logs).allMatch(LogMessage::isSystem);
    }

    @Test
    @DisplayName("the builder rejects bad settings, quoting the value")
    void builderValidation() {
        var builder = ContainerLogMonitor.builder(nowhere, backend);
        assertThatThrownBy(() -> builder.maxLineLength(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
        assertThatThrownBy(() -> builder.bufferSize(-5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-5");
        assertThatThrownBy(() -> builder.serviceNameLabels(List.of(" "))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.maxReconnectDelay(java.time.Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0.001S");
        assertThatThrownBy(() -> ContainerLogMonitor.builder((com.github.dockerjava.api.DockerClient) null, backend))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("dockerClient");
        assertThatThrownBy(() -> ContainerLogMonitor.builder((DockerSocket) null, backend))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("engine");
        assertThatThrownBy(() -> ContainerLogMonitor.builder(DockerSocket.of("unix:///x.sock").orElseThrow(), backend)
                .httpClient(((com.github.dockerjava.core.DockerClientImpl) nowhere).getHttpClient()))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    @DisplayName("close is idempotent and a closed monitor refuses to attach")
    void closeTwice() {
        monitor.close();
        monitor.close();
        assertThatThrownBy(() -> monitor.attach(AttachOptions.builder("abc").build()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(monitor.detach("abc")).isFalse();
    }

    @Test
    @DisplayName("closeTimeout is configurable and refuses less than a millisecond, quoting the value")
    void closeTimeout() {
        var builder = ContainerLogMonitor.builder(nowhere, backend);
        assertThatThrownBy(() -> builder.closeTimeout(java.time.Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0S");
        assertThatThrownBy(() -> builder.closeTimeout(java.time.Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-1S");
        assertThatThrownBy(() -> builder.closeTimeout(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("closeTimeout");
        builder.closeTimeout(java.time.Duration.ofMillis(200)).build().close();
    }

    @Test
    @DisplayName("threads of a host's factory keep the host's names; the default threads are named daemons")
    void threadNames() {
        List<Thread> made = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.ThreadFactory host = runnable -> {
            Thread thread = new Thread(runnable, "host-" + made.size());
            made.add(thread);
            return thread;
        };
        try (ContainerLogMonitor hosted = ContainerLogMonitor.builder(nowhere, backend).threadFactory(host).build()) {
            hosted.logManagerEvent("ping", null, LogLevel.INFO);
            assertThat(made).isNotEmpty();
        }
        for (int n = 0; n < made.size(); n++) {
            assertThat(made.get(n).getName()).isEqualTo("host-" + n);
        }
        assertThat(Thread.getAllStackTraces().keySet()).filteredOn(t -> t.getName().startsWith("container-logging-docker-"))
                .isNotEmpty().allMatch(Thread::isDaemon).allMatch(t -> t.getName().matches("container-logging-docker-\\d+"));
    }
}
