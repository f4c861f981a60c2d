package io.containerlogging.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import io.containerlogging.opensearch.OpenSearchLogBackend;
import io.containerlogging.testing.OpenSearchNode;
import io.containerlogging.testing.OpenSearchTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@OpenSearchTest
@Timeout(120)
@DisplayName("The example server as a fleet's central API on OpenSearch")
class ExampleServerOpenSearchTest {

    private static final String PREFIX = "example-fleet";

    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void deleteIndices() throws Exception {
        OpenSearchNode.deleteIndices(PREFIX);
    }

    @Test
    @DisplayName("answers \"errors of service web on device pi-07 in the last hour\" from what devices wrote")
    void centralApi() throws Exception {
        Instant now = Instant.now();
        // Two devices ship their logs to OpenSearch, as a monitor on each would.
        for (String device : List.of("pi-07", "pi-08")) {
            try (OpenSearchLogBackend deviceBackend = OpenSearchLogBackend.builder().endpoints(OpenSearchNode.url())
                    .indexPrefix(PREFIX).deviceId(device).build()) {
                deviceBackend.initialize();
                for (int i = 0; i < 20; i++) {
                    deviceBackend.log(LogMessage.builder().message(device + " line " + i)
                            .level(i % 4 == 0 ? LogLevel.ERROR : LogLevel.INFO).source(LogSource.container("web"))
                            .serviceId(1).serviceName("web").containerId("c" + device).timestamp(now.plusMillis(i)).build());
                }
            } // close() writes everything queued
        }

        ExampleServerConfig config = ExampleServerConfig.fromEnvironment(Map.of("PORT", "0",
                "USE_REAL_DOCKER", "false", "LOG_BACKEND", "opensearch", "OPENSEARCH_URL", OpenSearchNode.url(),
                "OPENSEARCH_INDEX_PREFIX", PREFIX, "DEVICE_ID", "central"));
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (ExampleServer server = ExampleServer.start(config, new PrintStream(console, true, StandardCharsets.UTF_8))) {
            assertThat(console.toString(StandardCharsets.UTF_8)).contains("OpenSearch [" + OpenSearchNode.url() + "]");
            server.backend().flush(); // as the refresh interval would, a second later

            long since = now.minus(Duration.ofHours(1)).toEpochMilli();
            JsonArray errors = logs(server, "deviceId=pi-07&serviceName=web&level=error&since=" + since);
            assertThat(messages(errors)).containsExactly("pi-07 line 0", "pi-07 line 4", "pi-07 line 8",
                    "pi-07 line 12", "pi-07 line 16");
            assertThat(errors.get(0).getAsJsonObject().get("deviceId").getAsString()).isEqualTo("pi-07");
            assertThat(get(server, "/api/v1/logs/count?deviceId=pi-08").body()).isEqualTo("{\"count\":20}");
            // The server's own events carry its device id.
            assertThat(messages(logs(server, "deviceId=central&sourceType=system")))
                    .anySatisfy(m -> assertThat(m).startsWith("Example server starting"));
        }
    }

    @Test
    @DisplayName("starts while OpenSearch is unreachable and answers queries with 503 until it is back")
    void openSearchDown() throws Exception {
        // A free port below Linux's ephemeral range (32768+), so no outgoing connection takes it
        // (or connects to itself on it) while the backend keeps retrying: nothing listens there.
        int closedPort = -1;
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 100 && closedPort < 0; attempt++) {
            try (java.net.ServerSocket probe = new java.net.ServerSocket(20_000 + random.nextInt(12_000))) {
                closedPort = probe.getLocalPort();
            } catch (java.io.IOException e) {
                // taken: try another
            }
        }
        assertThat(closedPort).isPositive();
        ExampleServerConfig config = ExampleServerConfig.fromEnvironment(Map.of("PORT", "0",
                "USE_REAL_DOCKER", "false", "LOG_BACKEND", "opensearch",
                "OPENSEARCH_URL", "http://127.0.0.1:" + closedPort, "OPENSEARCH_INDEX_PREFIX", PREFIX));
        try (ExampleServer server = ExampleServer.start(config, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8))) {
            HttpResponse<String> response = get(server, "/api/v1/logs?limit=5");
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.body()).contains("cannot answer");
        }
    }

    private HttpResponse<String> get(ExampleServer server, String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonArray logs(ExampleServer server, String query) throws Exception {
        HttpResponse<String> response = get(server, "/api/v1/logs?" + query);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonArray("logs");
    }

    private static List<String> messages(JsonArray logs) {
        List<String> out = new ArrayList<>();
        for (JsonElement log : logs) {
            JsonObject object = log.getAsJsonObject();
            out.add(object.get("message").getAsString());
        }
        return out;
    }
}
