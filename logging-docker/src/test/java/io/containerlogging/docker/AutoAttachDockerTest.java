package io.containerlogging.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containerlogging.core.AttachedContainer;
import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
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
@DisplayName("Auto-attach follows Docker's events")
class AutoAttachDockerTest {

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

    List<String> textsOf(String id) {
        return backend.getLogs(LogQuery.builder().containerId(id).build()).stream().map(LogMessage::message).toList();
    }

    boolean isAttached(String id) {
        return monitor.attachedContainers().stream().anyMatch(c -> c.containerId().equals(id));
    }

    @Test
    @DisplayName("start() attaches running containers, then ones started later; destroy detaches")
    void attachesRunningAndNew() {
        String early = containers.create("echo early; sleep 60", false, Map.of("com.docker.compose.service", "db"));
        containers.start(early);
        monitor.start();
        assertThat(monitor.attachedContainers()).contains(new AttachedContainer(early, null, "db"));
        await().untilAsserted(() -> assertThat(textsOf(early)).containsExactly("early"));

        String late = containers.run("echo late; sleep 60");
        await().untilAsserted(() -> assertThat(textsOf(late)).containsExactly("late"));
        assertThat(monitor.attachedContainers()).contains(new AttachedContainer(late, null, containers.name(late)));
        assertThat(backend.getLogs(LogQuery.builder().containerId(late).build()).get(0).serviceName())
                .isEqualTo(containers.name(late));

        containers.docker().removeContainerCmd(late).withForce(true).exec();
        await().until(() -> !isAttached(late));
        assertThat(isAttached(early)).isTrue();
        assertThat(monitor.isEventsConnected()).isTrue();
    }

    @Test
    @DisplayName("a broken events stream is reconnected and then reconciled against the container list")
    void reconnectAndReconcile() {
        String restarted = containers.run("echo run-$(cat /tmp/n 2>/dev/null || echo 1); echo 2 > /tmp/n; sleep 60");
        monitor.start();
        await().untilAsserted(() -> assertThat(textsOf(restarted)).containsExactly("run-1"));

        // Nobody listens while a container starts and an attached one restarts: only reconciliation can catch up.
        monitor.breakEventsStream(true);
        await().until(() -> !monitor.isEventsConnected());
        String missed = containers.run("echo started-while-disconnected; sleep 60");
        containers.restart(restarted);
        await().until(() -> containers.running(restarted));
        monitor.releaseEventsStream();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(textsOf(missed)).containsExactly("started-while-disconnected");
            assertThat(textsOf(restarted)).containsExactly("run-1", "run-2");
        });
        assertThat(monitor.isEventsConnected()).isTrue();

        // And a plain break reconnects by itself (with backoff), events flowing again afterwards.
        monitor.breakEventsStream(false);
        await().atMost(Duration.ofSeconds(10)).until(monitor::isEventsConnected);
        String after = containers.run("echo after-reconnect; sleep 60");
        await().untilAsserted(() -> assertThat(textsOf(after)).containsExactly("after-reconnect"));
    }
}
