package io.containerlogging.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.local.LocalLogBackend;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("GET /api/v1/forwarders on a real HTTP server")
class ForwardersHandlerTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("each forwarder's name, sink, state, cursor, lag and error; other methods are a 405 with a JSON error")
    void statuses() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        try (LocalLogBackend backend = LocalLogBackend.builder().enableFilePersistence(true).logDir(dir)
                .flushInterval(Duration.ofMillis(20)).build()) {
            backend.initialize();
            for (int i = 0; i < 50; i++) {
                backend.log(LogMessage.builder().message("line-" + i).timestamp(Instant.now()).level(LogLevel.INFO).build());
            }
            RecordingSink up = new RecordingSink();
            RecordingSink down = new RecordingSink();
            down.offline = true;
            try (Forwarder a = Forwarder.builder(backend, up).name("up").build();
                    Forwarder b = Forwarder.builder(backend, down).name("down")
                            .retryDelay(Duration.ofMillis(10), Duration.ofMillis(20)).build()) {
                a.start();
                b.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> a.status().lagMessages() == 0
                        && b.status().retried() > 0);
                server.createContext("/api/v1/forwarders", new ForwardersHandler(List.of(a, b)));
                server.start();
                HttpClient client = HttpClient.newHttpClient();
                URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/forwarders");
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
                JsonArray forwarders = JsonParser.parseString(response.body()).getAsJsonObject()
                        .getAsJsonArray("forwarders");
                JsonObject first = forwarders.get(0).getAsJsonObject();
                assertThat(first.get("name").getAsString()).isEqualTo("up");
                assertThat(first.get("sink").getAsString()).isEqualTo("recording://test");
                assertThat(first.get("state").getAsString()).isEqualTo("idle");
                assertThat(first.get("cursorId").getAsString()).isEqualTo(backend.storedThrough());
                assertThat(first.get("lagMessages").getAsLong()).isZero();
                assertThat(first.get("delivered").getAsLong()).isGreaterThanOrEqualTo(50);
                assertThat(first.get("lastError").isJsonNull()).isTrue();
                JsonObject second = forwarders.get(1).getAsJsonObject();
                assertThat(second.get("state").getAsString()).isEqualTo("retrying");
                assertThat(second.get("lagMessages").getAsLong()).isGreaterThanOrEqualTo(50);
                assertThat(second.get("lagSeconds").getAsDouble()).isGreaterThanOrEqualTo(0);
                assertThat(second.get("retried").getAsLong()).isPositive();
                assertThat(second.get("lastError").getAsString()).isEqualTo("receiver offline");
                assertThat(second.get("lastErrorAt").getAsString()).endsWith("Z");

                HttpResponse<String> post = client.send(HttpRequest.newBuilder(uri)
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(post.statusCode()).isEqualTo(405);
                assertThat(JsonParser.parseString(post.body()).getAsJsonObject().get("error").getAsString())
                        .contains("POST");
                HttpResponse<String> below = client.send(HttpRequest.newBuilder(uri.resolve("/api/v1/forwarders/x"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(below.statusCode()).isEqualTo(404);
            }
        } finally {
            server.stop(0);
        }
    }
}
