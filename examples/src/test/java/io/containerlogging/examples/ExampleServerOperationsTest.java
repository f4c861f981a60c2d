package io.containerlogging.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.containerlogging.examples.ExampleServerConfig.DockerMode;
import io.containerlogging.examples.ExampleServerConfig.Operations;
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
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The example server's audit trail (LOG_AUDIT) and metrics endpoint (LOG_METRICS); needs no engine. */
@Timeout(60)
class ExampleServerOperationsTest {

    static final String TOKEN = "ops-token";

    @TempDir
    Path logDir;

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final ByteArrayOutputStream console = new ByteArrayOutputStream();

    ExampleServer start(Operations operations) throws Exception {
        ExampleServerConfig config = new ExampleServerConfig(0, "127.0.0.1", logDir, 1000, Duration.ofHours(24),
                DockerMode.DISABLED, null, TOKEN).withOperations(operations);
        return ExampleServer.start(config, new PrintStream(console, true, StandardCharsets.UTF_8));
    }

    HttpResponse<String> get(ExampleServer server, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonArray audit(ExampleServer server, String query) throws Exception {
        HttpResponse<String> response = get(server, "/audit/api/v1/logs?" + query, TOKEN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonArray("logs");
    }

    @Test
    @DisplayName("every request is audited apart from the container logs, and the trail is queryable at /audit with the API's token")
    void auditTrail() throws Exception {
        try (ExampleServer server = start(Operations.DEFAULT)) {
            assertThat(get(server, "/api/v1/logs?limit=2", TOKEN).statusCode()).isEqualTo(200);
            assertThat(get(server, "/api/v1/logs?limit=2", "wrong").statusCode()).isEqualTo(401);
            assertThat(get(server, "/audit/api/v1/logs", null).statusCode()).isEqualTo(401);

            // The wrong token's request, found by field, with the record's fields and no token.
            JsonArray refused = await().atMost(Duration.ofSeconds(10)).until(
                    () -> audit(server, "field.status=401&field.endpoint=/api/v1/logs"), logs -> logs.size() == 1);
            JsonObject message = refused.get(0).getAsJsonObject();
            assertThat(message.get("message").getAsString())
                    .startsWith("GET /api/v1/logs?limit=2 401 ").endsWith(" from 127.0.0.1");
            assertThat(message.get("level").getAsString()).isEqualTo("warn");
            JsonObject fields = message.getAsJsonObject("fields");
            assertThat(fields.get("token").getAsBoolean()).isTrue();
            assertThat(fields.get("remoteAddress").getAsString()).isEqualTo("127.0.0.1");
            assertThat(fields.get("query").getAsString()).isEqualTo("limit=2");
            assertThat(fields.get("status").getAsLong()).isEqualTo(401);
            assertThat(message.toString()).doesNotContain("wrong");

            JsonArray ok = audit(server, "field.status=200&field.endpoint=/api/v1/logs");
            assertThat(ok).hasSize(1);
            assertThat(ok.get(0).getAsJsonObject().getAsJsonObject("fields").get("bytes").getAsLong()).isPositive();
            // Apart from the container logs: nothing of it in the main API.
            String main = get(server, "/api/v1/logs?search=from%20127.0.0.1", TOKEN).body();
            assertThat(JsonParser.parseString(main).getAsJsonObject().getAsJsonArray("logs")).isEmpty();
        }
        // Persisted in its own directory, and reloaded by the next run.
        assertThat(Files.list(logDir.resolve("audit")).anyMatch(f -> f.getFileName().toString().endsWith(".log")))
                .isTrue();
        try (ExampleServer server = start(Operations.DEFAULT)) {
            assertThat(audit(server, "field.status=401")).isNotEmpty();
        }
    }

    @Test
    @DisplayName("/metrics serves the Prometheus text format to a scraper with the API's token")
    void metrics() throws Exception {
        try (ExampleServer server = start(Operations.DEFAULT)) {
            assertThat(get(server, "/metrics", null).statusCode()).isEqualTo(401);
            assertThat(get(server, "/api/v1/logs", TOKEN).statusCode()).isEqualTo(200);
            String body = await().atMost(Duration.ofSeconds(10)).until(() -> get(server, "/metrics", TOKEN).body(),
                    text -> text.contains("container_logging_http_requests_total{endpoint=\"/api/v1/logs\",status=\"200\"} 1"));
            assertThat(body)
                    .contains("container_logging_messages_logged_total{backend=\"logs\"}")
                    .contains("container_logging_messages_logged_total{backend=\"audit\"}")
                    .contains("container_logging_store_messages{backend=\"logs\"}")
                    .contains("container_logging_store_bytes{backend=\"logs\"}")
                    .contains("container_logging_containers_followed 0")
                    .contains("container_logging_monitor_lines_dropped_total 0")
                    .contains("container_logging_http_requests_total{endpoint=\"/metrics\",status=\"401\"} 1");
        }
    }

    @Test
    @DisplayName("LOG_AUDIT=off and LOG_METRICS=off serve neither and write no audit files")
    void off() throws Exception {
        try (ExampleServer server = start(new Operations(false, false))) {
            assertThat(get(server, "/metrics", TOKEN).statusCode()).isEqualTo(404);
            assertThat(get(server, "/audit/api/v1/logs", TOKEN).statusCode()).isEqualTo(404);
            assertThat(server.auditBackend()).isNull();
        }
        assertThat(logDir.resolve("audit")).doesNotExist();
    }
}
