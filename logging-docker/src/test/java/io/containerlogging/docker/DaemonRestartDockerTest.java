package io.containerlogging.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.testing.DockerTest;
import io.containerlogging.testing.ScratchContainers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Stops and restarts the Docker daemon itself while the monitor follows a container. Runs only
 * with {@code -Ddocker.restartable=true} (set by {@code .ci/run}): a developer's own engine is
 * never restarted by a plain {@code mvn verify}.
 */
@DockerTest
@EnabledIfSystemProperty(named = "docker.restartable", matches = "true",
        disabledReason = "restarts dockerd: runs only with -Ddocker.restartable=true (as .ci/run sets)")
@Timeout(180)
@DisplayName("A restart of dockerd itself")
class DaemonRestartDockerTest {

    private static final Path ENGINE_SCRIPT = Path.of("..", "scripts", "docker-engine.sh");
    private static final int LINES = 3000;

    // Counts on across container restarts (the counter lives in the container's own filesystem)
    // so every line is unique; exits promptly on the SIGTERM dockerd sends when it stops.
    private static final String SCRIPT = "trap 'exit 0' TERM; n=$(cat /tmp/n 2>/dev/null || echo 0); "
            + "while [ $n -lt " + LINES + " ]; do n=$((n+1)); echo $n > /tmp/n; echo out-$n; "
            + "if [ $((n % 3)) = 0 ]; then echo err-$n >&2; fi; sleep 0.002; done; "
            + "while true; do sleep 1; done";

    @Test
    @DisplayName("loses and duplicates no line: the monitor reconnects, reconciles and resumes the restarted container")
    void survivesDaemonRestart() throws Exception {
        LogBackend backend = DockerTests.newBackend();
        try (DockerClient ownClient = DockerClients.fromEnvironment();
                ScratchContainers containers = new ScratchContainers();
                ContainerLogMonitor monitor = ContainerLogMonitor.builder(ownClient, backend)
                        .maxReconnectDelay(Duration.ofSeconds(1)).build()) {
            String id = containers.createRestartingAlways(SCRIPT);
            monitor.start();
            containers.start(id);
            await().atMost(Duration.ofSeconds(30)).until(() -> lines(backend, id).size() >= 200);

            restartDaemon();
            assertThat(lines(backend, id).size()).as("the daemon stopped mid-stream").isLessThan(LINES);

            await().atMost(Duration.ofSeconds(60)).until(monitor::isEventsConnected);
            List<String> truth = await().atMost(Duration.ofSeconds(60)).until(
                    () -> dockerLogs(id), all -> all.contains("out-" + LINES));
            await().atMost(Duration.ofSeconds(30)).until(() -> lines(backend, id).size() >= truth.size());

            Map<String, Integer> stored = new HashMap<>();
            lines(backend, id).forEach(line -> stored.merge(line, 1, Integer::sum));
            Map<String, Integer> expected = new HashMap<>();
            truth.forEach(line -> expected.merge(line, 1, Integer::sum));
            assertThat(expected.values()).as("each line unique in Docker's own log").containsOnly(1);
            assertThat(stored).isEqualTo(expected);
        } finally {
            backend.close();
        }
    }

    private static List<String> lines(LogBackend backend, String id) {
        return backend.getLogs(LogQuery.builder().containerId(id).build()).stream()
                .map(LogMessage::message).toList();
    }

    /** What `docker logs` (the engine's json-file) holds for the container: the ground truth. */
    private static List<String> dockerLogs(String id) throws IOException, InterruptedException {
        Path out = Files.createTempFile("docker-logs", ".out");
        Path err = Files.createTempFile("docker-logs", ".err");
        try {
            Process process = new ProcessBuilder("/usr/bin/docker", "logs", id)
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            List<String> all = new ArrayList<>(Files.readAllLines(out, StandardCharsets.UTF_8));
            all.addAll(Files.readAllLines(err, StandardCharsets.UTF_8));
            all.removeIf(String::isEmpty);
            return all;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** SIGTERM to dockerd, wait until it is gone, then start it again with the project's script. */
    private static void restartDaemon() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("pkill", "-TERM", "-x", "dockerd").inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("a dockerd process was running").isZero();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Process alive = new ProcessBuilder("pgrep", "-x", "dockerd").start();
            return alive.waitFor(10, TimeUnit.SECONDS) && alive.exitValue() != 0;
        });
        Process start = new ProcessBuilder("bash", ENGINE_SCRIPT.toString()).inheritIO().start();
        assertThat(start.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(start.exitValue()).as("scripts/docker-engine.sh restarted dockerd").isZero();
        DockerTests.reconnect(); // the shared test client's pooled connections died with dockerd
    }
}
