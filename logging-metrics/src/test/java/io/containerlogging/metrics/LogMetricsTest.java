package io.containerlogging.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.http.LogHttpServer;
import io.containerlogging.local.LocalLogBackend;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("LogMetrics: /metrics scraped over real HTTP")
@Timeout(30)
class LogMetricsTest {

    static final String TOKEN = "scrape-token";
    /** One sample line of the text format: name, optional {labels}, value. */
    static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})?\\s+(\\S+)$");

    @TempDir
    Path dir;

    LocalLogBackend backend;
    LogHttpServer server;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final AtomicLong monitorDropped = new AtomicLong(3);

    @BeforeEach
    void start() throws IOException {
        LogHttpServer.configureJdkServer();
        backend = LocalLogBackend.builder().maxLogs(1000).enableFilePersistence(true).logDir(dir).build();
        backend.initialize();
        LogMetrics metrics = LogMetrics.builder()
                .backend("logs", backend)
                .storeBytes("logs", () -> backend.storageStatistics().bytesOnDisk())
                .gauge("container_logging_containers_followed", "Containers followed now", () -> 2)
                .counter("container_logging_monitor_lines_dropped_total", "Lines dropped", monitorDropped::get)
                .counter("container_logging_container_messages", "Messages per container",
                        java.util.List.of("container", "container_id"),
                        () -> Map.of(java.util.List.of("web", "abc123"), 5L, java.util.List.of("db", "def456"), 7L))
                .build();
        server = LogHttpServer.builder(backend).port(0).bearerToken(TOKEN)
                .accessListener(metrics.accessListener())
                .mount("/metrics", metrics.handler())
                .build();
    }

    @AfterEach
    void stop() {
        server.close();
        backend.close();
    }

    HttpResponse<String> get(String pathAndQuery, boolean token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery))
                .timeout(Duration.ofSeconds(10));
        if (token) {
            request.header("Authorization", "Bearer " + TOKEN);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Samples by {@code name{labels}} as written (labels in the order the writer gives them). */
    Map<String, Double> scrape() throws Exception {
        HttpResponse<String> response = get("/metrics", true);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(LogMetrics.CONTENT_TYPE);
        Map<String, Double> samples = new HashMap<>();
        for (String line : response.body().split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("a sample line: %s", line).isTrue();
            samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
        }
        return samples;
    }

    @Test
    @DisplayName("the exposition holds the backend's counters, the store, the extra metrics and HTTP requests by endpoint and status")
    void scrapeAfterTraffic() throws Exception {
        for (int i = 0; i < 7; i++) {
            backend.log(LogMessage.system("message " + i, LogLevel.INFO, Instant.now()));
        }
        backend.flush();
        assertThat(get("/api/v1/logs?limit=3", true).statusCode()).isEqualTo(200);
        assertThat(get("/api/v1/logs?limit=3", true).statusCode()).isEqualTo(200);
        assertThat(get("/api/v1/logs?limit=x", true).statusCode()).isEqualTo(400);
        assertThat(get("/api/v1/logs", false).statusCode()).isEqualTo(401);

        // Requests are counted when their response has ended, a moment after the client has it.
        // The file writer publishes the size of the file it writes after each batch.
        Map<String, Double> samples = await().atMost(Duration.ofSeconds(10)).until(this::scrape,
                s -> s.getOrDefault("container_logging_http_requests_total{endpoint=\"/api/v1/logs\",status=\"401\"}", 0.0) == 1
                        && s.getOrDefault("container_logging_store_bytes{backend=\"logs\"}", 0.0) > 0);

        long stored = backend.count();
        assertThat(stored).isGreaterThanOrEqualTo(7);
        assertThat(samples)
                .containsEntry("container_logging_messages_logged_total{backend=\"logs\"}",
                        (double) backend.statistics().logged())
                .containsEntry("container_logging_messages_written_total{backend=\"logs\"}",
                        (double) backend.statistics().written())
                .containsEntry("container_logging_messages_dropped_total{backend=\"logs\"}", 0.0)
                .containsEntry("container_logging_messages_rejected_total{backend=\"logs\"}", 0.0)
                .containsEntry("container_logging_messages_skipped_total{backend=\"logs\"}", 0.0)
                .containsEntry("container_logging_messages_queued{backend=\"logs\"}", 0.0)
                .containsEntry("container_logging_subscribers{backend=\"logs\"}", 0.0)
                .containsEntry("container_logging_subscriber_lag_messages{backend=\"logs\"}", 0.0)
                .containsEntry("container_logging_subscriber_messages_dropped_total{backend=\"logs\"}", 0.0)
                .containsEntry("container_logging_store_messages{backend=\"logs\"}", (double) stored)
                .containsEntry("container_logging_containers_followed", 2.0)
                .containsEntry("container_logging_monitor_lines_dropped_total", 3.0)
                .containsEntry("container_logging_container_messages_total{container=\"web\",container_id=\"abc123\"}", 5.0)
                .containsEntry("container_logging_container_messages_total{container=\"db\",container_id=\"def456\"}", 7.0)
                .containsEntry("container_logging_http_requests_total{endpoint=\"/api/v1/logs\",status=\"200\"}", 2.0)
                .containsEntry("container_logging_http_requests_total{endpoint=\"/api/v1/logs\",status=\"400\"}", 1.0);
        assertThat(samples.get("container_logging_messages_logged_total{backend=\"logs\"}")).isGreaterThanOrEqualTo(7);
        assertThat(samples.get("container_logging_store_bytes{backend=\"logs\"}")).isPositive();
        assertThat(samples.get("container_logging_http_response_bytes_total{endpoint=\"/api/v1/logs\"}")).isPositive();

        // Values are read at scrape time.
        monitorDropped.set(10);
        backend.log(LogMessage.system("one more", LogLevel.INFO, Instant.now()));
        Map<String, Double> later = scrape();
        assertThat(later).containsEntry("container_logging_monitor_lines_dropped_total", 10.0);
        assertThat(later.get("container_logging_messages_logged_total{backend=\"logs\"}"))
                .isEqualTo(samples.get("container_logging_messages_logged_total{backend=\"logs\"}") + 1);
        // The first scrape has ended by now, and is counted as any request.
        assertThat(later.get("container_logging_http_requests_total{endpoint=\"/metrics\",status=\"200\"}"))
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    @DisplayName("a scraper without the API's token gets 401; other methods than GET and HEAD get 405")
    void rules() throws Exception {
        assertThat(get("/metrics", false).statusCode()).isEqualTo(401);
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/metrics")).header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }

    @Test
    @DisplayName("the builder refuses bad names and repeats, quoting the value")
    void builderValidation() {
        assertThatThrownBy(() -> LogMetrics.builder().backend("a b", backend))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a b'");
        assertThatThrownBy(() -> LogMetrics.builder().backend("x", backend).backend("x", backend))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> LogMetrics.builder().storeBytes("missing", () -> 0))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> LogMetrics.builder().gauge("1bad", "help", () -> 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'1bad'");
        assertThatThrownBy(() -> LogMetrics.builder().gauge("g", "h", () -> 0).counter("g", "h", () -> 0))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> LogMetrics.builder().counter("c", "h", java.util.List.of("bad-label"), Map::of))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'bad-label'");
    }
}
