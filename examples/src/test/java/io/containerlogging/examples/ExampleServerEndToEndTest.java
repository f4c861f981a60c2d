package io.containerlogging.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.containerlogging.examples.ExampleServerConfig.DockerMode;
import io.containerlogging.testing.DockerTest;
import io.containerlogging.testing.ScratchContainers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@DockerTest
@Timeout(120)
@DisplayName("The example server end to end, against a real Docker engine")
class ExampleServerEndToEndTest {

    @TempDir
    Path logDir;

    final ScratchContainers containers = new ScratchContainers();
    final HttpClient http = HttpClient.newHttpClient();
    final ByteArrayOutputStream console = new ByteArrayOutputStream();

    @AfterEach
    void removeContainers() {
        containers.close();
    }

    ExampleServer start() throws Exception {
        ExampleServerConfig config = new ExampleServerConfig(0, "127.0.0.1", logDir, 100_000,
                Duration.ofHours(24), DockerMode.REQUIRED, null, null);
        return ExampleServer.start(config, new PrintStream(console, true, StandardCharsets.UTF_8));
    }

    JsonArray logs(ExampleServer server, String query) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/api/v1/logs?" + query)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonObject body = JsonParser.parseString(response.body()).getAsJsonObject();
        assertThat(body.get("count").getAsInt()).isEqualTo(body.getAsJsonArray("logs").size());
        return body.getAsJsonArray("logs");
    }

    static List<String> messages(JsonArray logs) {
        List<String> out = new ArrayList<>();
        logs.forEach(log -> out.add(log.getAsJsonObject().get("message").getAsString()));
        return out;
    }

    @Test
    @DisplayName("a container started later arrives with its service name, levels and order, and says where it listens")
    void containerLinesArrive() throws Exception {
        try (ExampleServer server = start()) {
            assertThat(console.toString(StandardCharsets.UTF_8))
                    .contains("listening on http://127.0.0.1:" + server.port())
                    .contains("Try: curl");
            String id = containers.create("for i in $(seq 1 50); do echo out-$i; echo err-$i >&2; done",
                    false, Map.of("com.docker.compose.service", "web"));
            containers.start(id);

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> logs(server, "containerId=" + id).size() == 100);
            JsonArray lines = logs(server, "containerId=" + id);
            List<String> out = new ArrayList<>();
            List<String> err = new ArrayList<>();
            for (JsonElement element : lines) {
                JsonObject line = element.getAsJsonObject();
                assertThat(line.get("serviceName").getAsString()).isEqualTo("web");
                assertThat(line.getAsJsonObject("source").get("type").getAsString()).isEqualTo("container");
                assertThat(line.getAsJsonObject("source").get("name").getAsString()).isEqualTo("web");
                boolean stdErr = line.get("isStdErr").getAsBoolean();
                assertThat(line.get("level").getAsString()).isEqualTo(stdErr ? "error" : "info");
                (stdErr ? err : out).add(line.get("message").getAsString());
            }
            List<String> expectedOut = new ArrayList<>();
            List<String> expectedErr = new ArrayList<>();
            for (int i = 1; i <= 50; i++) {
                expectedOut.add("out-" + i);
                expectedErr.add("err-" + i);
            }
            assertThat(out).containsExactlyElementsOf(expectedOut); // in order, within each stream
            assertThat(err).containsExactlyElementsOf(expectedErr);
            assertThat(messages(logs(server, "serviceName=web&level=error"))).containsExactlyElementsOf(expectedErr);

            // its own life, as system and manager messages
            assertThat(messages(logs(server, "sourceType=system")))
                    .anyMatch(m -> m.startsWith("Example server starting"))
                    .anyMatch(m -> m.startsWith("Docker connected"));
            assertThat(messages(logs(server, "sourceType=manager")))
                    .anyMatch(m -> m.startsWith("container-attached {\"containerId\":\"" + id + "\""));
        }
    }

    @Test
    @DisplayName("restarted on the same LOG_DIR while a container keeps writing, nothing is lost or duplicated")
    void restartLosesNothing() throws Exception {
        String id = containers.create(
                "i=0; while [ $i -lt 300 ]; do i=$((i+1)); echo out-$i; echo err-$i >&2; sleep 0.03; done",
                false, Map.of("com.docker.compose.service", "worker"));
        int seenByFirst;
        try (ExampleServer first = start()) {
            containers.start(id);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> logs(first, "containerId=" + id).size() >= 40);
            seenByFirst = logs(first, "containerId=" + id).size();
        }
        // The container writes on while no server runs; the next one resumes where the files end.
        assertThat(seenByFirst).as("the first server stopped mid-stream").isLessThan(600);
        assertThat(containers.running(id)).as("the container outlived the first server").isTrue();
        Thread.sleep(300);
        try (ExampleServer second = start()) {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> logs(second, "containerId=" + id).size() >= 600 || !containers.running(id));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> logs(second, "containerId=" + id).size() >= 600);
            Map<String, Integer> seen = new HashMap<>();
            for (String message : messages(logs(second, "containerId=" + id))) {
                seen.merge(message, 1, Integer::sum);
            }
            for (int i = 1; i <= 300; i++) {
                assertThat(seen.get("out-" + i)).as("out-" + i).isEqualTo(1);
                assertThat(seen.get("err-" + i)).as("err-" + i).isEqualTo(1);
            }
            assertThat(seen).hasSize(600);
            assertThat(messages(logs(second, "sourceType=system")))
                    .contains("Example server shutting down");
        }
    }
}
