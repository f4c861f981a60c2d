package io.containerlogging.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.containerlogging.core.ContainerNotFoundException;
import io.containerlogging.testing.DockerTest;
import io.containerlogging.testing.ScratchContainers;
import java.io.Closeable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DockerTest
@Timeout(60)
@DisplayName("SocketEngine: inspect, list and events over the engine's socket, against a real engine")
class SocketEngineDockerTest {

    final ScratchContainers containers = new ScratchContainers();
    final AtomicInteger threads = new AtomicInteger();
    final SocketEngine engine = DockerSocket.fromEnvironment().orElseThrow().engine(task -> {
        Thread thread = new Thread(task, "test-events-" + threads.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });

    @AfterEach
    void tearDown() {
        containers.close();
    }

    @Test
    @DisplayName("inspect reads what the monitor needs, as docker-java does")
    void inspectMatchesDockerJava() {
        String id = containers.create("echo hi; sleep 30", true, Map.of("com.docker.compose.service", "web",
                "with \"quotes\"", "v\u00e4lue"));
        containers.start(id);
        DockerEngine.ContainerInfo ours = engine.inspect(id);
        DockerEngine.ContainerInfo theirs = new DockerJavaEngine(DockerTests.client()).inspect(id);
        assertThat(ours).isEqualTo(theirs);
        assertThat(ours.id()).isEqualTo(id);
        assertThat(ours.tty()).isTrue();
        assertThat(ours.running()).isTrue();
        assertThat(ours.labels()).containsEntry("com.docker.compose.service", "web")
                .containsEntry("with \"quotes\"", "v\u00e4lue");
        assertThat(ours.logDriver()).isEqualTo("json-file");
        assertThat(ours.logPath()).endsWith(id + "-json.log");
        assertThat(engine.idOf(containers.name(id))).isEqualTo(id);
        assertThat(engine.idOf("/" + containers.name(id))).isEqualTo(id);
        assertThat(engine.idOf(id.substring(0, 12))).isEqualTo(id);
    }

    @Test
    @DisplayName("an unknown container is ContainerNotFoundException; a name cannot reach another endpoint")
    void unknownAndHostileNames() {
        assertThatThrownBy(() -> engine.inspect("no-such-container-" + System.nanoTime()))
                .isInstanceOf(ContainerNotFoundException.class);
        for (String hostile : List.of("..", ".", "", "../../info", "x/../../version", "a?b=c", "a#b", "a b",
                "%2e%2e", "\u00e9", "-leading-dash", "a\r\nHost: evil")) {
            assertThatThrownBy(() -> engine.inspect(hostile)).as(hostile)
                    .isInstanceOf(ContainerNotFoundException.class);
            assertThat(engine.idOf(hostile)).as(hostile).isNull();
        }
        assertThat(SocketEngine.containerPath("/web-1_a.b")).isEqualTo("/containers/web-1_a.b");
    }

    @Test
    @DisplayName("runningIds and exitedIds list what docker-java lists")
    void lists() {
        String running = containers.run("sleep 30");
        String exited = containers.run("true");
        await().until(() -> !containers.running(exited));
        assertThat(engine.runningIds()).contains(running).doesNotContain(exited);
        assertThat(engine.exitedIds()).contains(exited).doesNotContain(running);
        DockerJavaEngine reference = new DockerJavaEngine(DockerTests.client());
        assertThat(engine.runningIds()).containsExactlyInAnyOrderElementsOf(reference.runningIds());
        assertThat(engine.exitedIds()).containsExactlyInAnyOrderElementsOf(reference.exitedIds());
    }

    @Test
    @DisplayName("events: connected, then a container's create, start, die and destroy; close ends the thread")
    void events() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicInteger connected = new AtomicInteger();
        AtomicReference<Throwable> ended = new AtomicReference<>();
        AtomicInteger endings = new AtomicInteger();
        Closeable subscription = engine.containerEvents(new DockerEngine.EventListener() {
            @Override
            public void connected() {
                connected.incrementAndGet();
            }

            @Override
            public void event(String containerId, String action) {
                seen.add(containerId + " " + action);
            }

            @Override
            public void ended(Throwable error) {
                ended.set(error);
                endings.incrementAndGet();
            }
        });
        await().until(() -> connected.get() == 1);
        String id = containers.run("echo x");
        await().until(() -> !containers.running(id));
        containers.docker().removeContainerCmd(id).withForce(true).exec();
        await().untilAsserted(() -> assertThat(seen).contains(id + " create", id + " start", id + " die",
                id + " destroy"));
        assertThat(threads.get()).isEqualTo(1);
        subscription.close();
        await().until(() -> endings.get() == 1);
        assertThat(ended.get()).as("closed by us: no error").isNull();
        await().until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("test-events-1")));
    }

    @Test
    @DisplayName("an engine that is not there: ping and every call say so")
    void missingEngine() {
        DockerSocket nowhere = DockerSocket.of("unix:///nonexistent/docker.sock").orElseThrow();
        assertThatThrownBy(nowhere::ping).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot reach the Docker engine");
        SocketEngine away = nowhere.engine(Thread::new);
        assertThatThrownBy(away::runningIds).isInstanceOf(IllegalStateException.class);
        AtomicReference<Throwable> ended = new AtomicReference<>();
        away.containerEvents(new DockerEngine.EventListener() {
            @Override
            public void connected() {
                ended.set(new AssertionError("connected to an engine that is not there"));
            }

            @Override
            public void event(String containerId, String action) {
            }

            @Override
            public void ended(Throwable error) {
                ended.compareAndSet(null, error);
            }
        });
        await().untilAsserted(() -> assertThat(ended.get()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot reach the Docker engine"));
        assertThat(away.idOf("anything")).isNull();
    }
}
