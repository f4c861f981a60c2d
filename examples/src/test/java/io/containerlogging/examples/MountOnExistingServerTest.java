package io.containerlogging.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.local.LocalLogBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class MountOnExistingServerTest {

    @Test
    @DisplayName("the log API and the host's own endpoint are served side by side")
    void servesBoth() throws Exception {
        ExecutorService executor = MountOnExistingServer.defaultExecutor();
        try (LocalLogBackend backend = LocalLogBackend.builder().build()) {
            backend.initialize();
            backend.log(LogMessage.system("hello from the host", LogLevel.INFO, Instant.now()));
            HttpServer server = MountOnExistingServer.start(backend, executor);
            try {
                HttpClient http = HttpClient.newHttpClient();
                String base = "http://127.0.0.1:" + server.getAddress().getPort();
                HttpResponse<String> logs = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/logs")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(logs.statusCode()).isEqualTo(200);
                JsonObject body = JsonParser.parseString(logs.body()).getAsJsonObject();
                assertThat(body.get("count").getAsInt()).isEqualTo(1);
                assertThat(body.getAsJsonArray("logs").get(0).getAsJsonObject().get("message").getAsString())
                        .isEqualTo("hello from the host");

                HttpResponse<Void> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                        HttpResponse.BodyHandlers.discarding());
                assertThat(health.statusCode()).isEqualTo(204);
                assertThat(System.getProperty("sun.net.httpserver.nodelay")).isEqualTo("true");
            } finally {
                server.stop(0);
            }
        } finally {
            executor.shutdownNow();
        }
    }
}
