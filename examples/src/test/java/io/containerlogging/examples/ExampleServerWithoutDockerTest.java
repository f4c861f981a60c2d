package io.containerlogging.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.containerlogging.examples.ExampleServerConfig.DockerMode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The example server where Docker is off or cannot be reached; needs no engine. */
@Timeout(60)
class ExampleServerWithoutDockerTest {

    private static final String NO_ENGINE = "unix:///nonexistent/docker.sock";

    @TempDir
    Path logDir;

    final HttpClient http = HttpClient.newHttpClient();
    final ByteArrayOutputStream console = new ByteArrayOutputStream();

    ExampleServer start(DockerMode docker, String token) throws Exception {
        return ExampleServer.start(new ExampleServerConfig(0, "127.0.0.1", logDir, 1000, Duration.ofHours(24),
                docker, NO_ENGINE, token), new PrintStream(console, true, StandardCharsets.UTF_8));
    }

    HttpResponse<String> send(ExampleServer server, String method, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}")
                        : HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    List<String> systemMessages(ExampleServer server) throws Exception {
        JsonObject body = JsonParser.parseString(
                send(server, "GET", "/api/v1/logs?sourceType=system", null).body()).getAsJsonObject();
        List<String> messages = new ArrayList<>();
        body.getAsJsonArray("logs").forEach(l -> messages.add(l.getAsJsonObject().get("message").getAsString()));
        return messages;
    }

    @Test
    @DisplayName("USE_REAL_DOCKER=true with no reachable engine fails to start, saying which engine and why")
    void requiredButUnreachable() {
        assertThatThrownBy(() -> start(DockerMode.REQUIRED, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("USE_REAL_DOCKER=true")
                .hasMessageContaining(NO_ENGINE);
    }

    @Test
    @DisplayName("unset USE_REAL_DOCKER with no reachable engine runs without Docker and says so")
    void ifReachableRunsWithout() throws Exception {
        try (ExampleServer server = start(DockerMode.IF_REACHABLE, null)) {
            assertThat(console.toString(StandardCharsets.UTF_8)).contains("Docker: not reachable at " + NO_ENGINE);
            assertThat(systemMessages(server)).anyMatch(m -> m.startsWith("Docker not reachable at " + NO_ENGINE));
            HttpResponse<String> attach = send(server, "POST", "/api/v1/logs/abc123/attach", null);
            assertThat(attach.statusCode()).isEqualTo(503);
            assertThat(JsonParser.parseString(attach.body()).getAsJsonObject().get("error").getAsString()).isNotBlank();
        }
    }

    @Test
    @DisplayName("USE_REAL_DOCKER=false runs without Docker; a restart on the same LOG_DIR serves the earlier logs")
    void disabledAndRestart() throws Exception {
        List<String> before;
        try (ExampleServer server = start(DockerMode.DISABLED, null)) {
            assertThat(console.toString(StandardCharsets.UTF_8)).contains("Docker: disabled");
            before = systemMessages(server);
            assertThat(before).contains("Docker disabled by USE_REAL_DOCKER=false");
        }
        try (ExampleServer server = start(DockerMode.DISABLED, null)) {
            List<String> after = systemMessages(server);
            assertThat(after.subList(0, before.size())).isEqualTo(before);
            assertThat(after.get(before.size())).isEqualTo("Example server shutting down");
        }
        try (var files = Files.list(logDir)) {
            // log files as the specification names them (rotated ones gzip-compressed, issue 16),
            // plus the backend's documented state files and the audit trail's directory (LOG_AUDIT)
            assertThat(files.map(f -> f.getFileName().toString()))
                    .allMatch(name -> name.matches("container-manager-\\d+\\.log(\\.gz)?")
                            || name.equals("checkpoints.json") || name.equals("ids.json") || name.equals("removed.json")
                            || name.equals("audit"));
        }
        try (var files = Files.list(logDir.resolve("audit"))) {
            // the audit trail is a local backend of its own: the same file names
            assertThat(files.map(f -> f.getFileName().toString()))
                    .allMatch(name -> name.matches("container-manager-\\d+\\.log(\\.gz)?")
                            || name.equals("checkpoints.json") || name.equals("ids.json") || name.equals("removed.json"));
        }
    }

    @Test
    @DisplayName("with LOG_API_TOKEN every request needs the bearer token")
    void token() throws Exception {
        try (ExampleServer server = start(DockerMode.DISABLED, "s3cret")) {
            assertThat(send(server, "GET", "/api/v1/logs/count", null).statusCode()).isEqualTo(401);
            assertThat(send(server, "GET", "/api/v1/logs/count", "wrong").statusCode()).isEqualTo(401);
            assertThat(send(server, "GET", "/api/v1/logs/count", "s3cret").statusCode()).isEqualTo(200);
            assertThat(console.toString(StandardCharsets.UTF_8)).contains("Authorization: Bearer $LOG_API_TOKEN");
        }
    }

    @Test
    @DisplayName("main exits 2 with a message naming the variable when a setting is invalid")
    void invalidEnvironmentExits2() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ExampleServer.class.getName());
        builder.environment().put("PORT", "http");
        builder.environment().put("USE_REAL_DOCKER", "false");
        builder.environment().put("LOG_DIR", logDir.toString());
        builder.redirectErrorStream(true);
        Process process = builder.start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isEqualTo(2);
        assertThat(output).contains("invalid PORT='http'");
    }
}
