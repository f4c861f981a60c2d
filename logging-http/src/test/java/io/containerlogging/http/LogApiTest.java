package io.containerlogging.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The transport-neutral layer on its own: no server, no sockets. */
@DisplayName("LogApi without any HTTP server")
class LogApiTest {

    final LogBackend backend = TestBackend.create();
    final LogApi api = new LogApi(backend, null, 100, 64, LogHttpHandler.DEFAULT_MAX_RESPONSE_BYTES, 1024, "tok", null,
            java.util.Set.of());

    @AfterEach
    void close() {
        backend.close();
    }

    ApiResponse call(String method, String path, String query, Map<String, String> headers, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return api.handle(new ApiRequest(method, path, query, headers::get, new ByteArrayInputStream(bytes),
                bytes.length));
    }

    @Test
    @DisplayName("answers a query with the seed's JSON")
    void query() {
        backend.log(LogMessage.system("hello", LogLevel.INFO, Instant.ofEpochMilli(5)));
        ApiResponse response = call("GET", "/api/v1/logs/count", "level=info",
                Map.of("Authorization", "Bearer tok"), "");
        assertThat(response.status()).isEqualTo(200);
        assertThat(new String(response.body().toByteArray(), StandardCharsets.UTF_8)).isEqualTo("{\"count\":1}");
        assertThat(response.headers()).containsEntry("Cache-Control", "no-store")
                .containsEntry("Content-Type", "application/json; charset=utf-8");
    }

    @Test
    @DisplayName("a backend that cannot answer (BackendUnavailableException) is a 503; any other failure a 500")
    void unavailableBackend() {
        LogBackend failing = org.mockito.Mockito.mock(LogBackend.class);
        org.mockito.Mockito.when(failing.count(org.mockito.ArgumentMatchers.any())).thenThrow(
                new io.containerlogging.core.BackendUnavailableException("OpenSearch count failed: refused", null));
        org.mockito.Mockito.when(failing.count()).thenThrow(
                new io.containerlogging.core.BackendUnavailableException("OpenSearch count failed: refused", null));
        org.mockito.Mockito.when(failing.getLogs(org.mockito.ArgumentMatchers.any())).thenThrow(
                new IllegalStateException("a bug"));
        LogApi onFailing = new LogApi(failing, null, 100, 64, LogHttpHandler.DEFAULT_MAX_RESPONSE_BYTES, 1024, null,
                null, java.util.Set.of());
        ApiResponse unavailable = onFailing.handle(new ApiRequest("GET", "/api/v1/logs/count", "", Map.of("Host", "localhost")::get,
                new ByteArrayInputStream(new byte[0]), 0));
        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(new String(unavailable.body().toByteArray(), StandardCharsets.UTF_8)).contains("cannot answer")
                .doesNotContain("refused");
        ApiResponse bug = onFailing.handle(new ApiRequest("GET", "/api/v1/logs", "", Map.of("Host", "localhost")::get,
                new ByteArrayInputStream(new byte[0]), 0));
        assertThat(bug.status()).isEqualTo(500);
    }

    @Test
    @DisplayName("plans a stream instead of answering it")
    void streamPlan() {
        ApiResponse response = call("GET", "/api/v1/logs/stream", "tail=500&level=error",
                Map.of("Authorization", "Bearer tok", "Last-Event-ID", " log-7 "), "");
        assertThat(response.stream()).isNotNull();
        assertThat(response.stream().resumeAfterId()).isEqualTo("log-7");
        assertThat(response.stream().tail()).isEqualTo(100); // capped at maxLimit
        assertThat(response.stream().filter().levels()).containsExactly(LogLevel.ERROR);
        assertThat(response.headers()).containsEntry("Content-Type", "text/event-stream; charset=utf-8");
    }

    @Test
    @DisplayName("filters logs, counts and streams by deviceId, exactly, and rejects an empty one")
    void deviceId() {
        backend.log(LogMessage.system("on pi-07", LogLevel.INFO, Instant.ofEpochMilli(5)).withDeviceId("pi-07"));
        backend.log(LogMessage.system("on pi-08", LogLevel.INFO, Instant.ofEpochMilli(6)).withDeviceId("pi-08"));
        Map<String, String> auth = Map.of("Authorization", "Bearer tok");

        String logs = new String(call("GET", "/api/v1/logs", "deviceId=pi-07", auth, "").body().toByteArray(),
                StandardCharsets.UTF_8);
        assertThat(logs).contains("\"on pi-07\"").contains("\"deviceId\":\"pi-07\"").doesNotContain("pi-08");
        assertThat(new String(call("GET", "/api/v1/logs/count", "deviceId=pi-0", auth, "").body().toByteArray(),
                StandardCharsets.UTF_8)).isEqualTo("{\"count\":0}");
        assertThat(new String(call("GET", "/api/v1/logs/count", "deviceId=pi-08", auth, "").body().toByteArray(),
                StandardCharsets.UTF_8)).isEqualTo("{\"count\":1}");
        assertThat(call("GET", "/api/v1/logs/stream", "deviceId=pi-08", auth, "").stream().filter().deviceId())
                .isEqualTo("pi-08");
        ApiResponse empty = call("GET", "/api/v1/logs", "deviceId=", auth, "");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(new String(empty.body().toByteArray(), StandardCharsets.UTF_8)).contains("deviceId");
    }

    @Test
    @DisplayName("checks the token before anything else, and the body size before the attacher")
    void order() {
        assertThat(call("GET", "/nowhere", null, Map.of(), "").status()).isEqualTo(401);
        assertThat(call("POST", "/api/v1/logs/abc/attach", null, Map.of("Authorization", "Bearer tok"),
                "x".repeat(65)).status()).isEqualTo(503); // no attacher: the body is not even read
    }

    @Test
    @DisplayName("reads Accept-Encoding as RFC 9110 says")
    void acceptEncoding() {
        assertThat(LogApi.acceptsGzip("gzip")).isTrue();
        assertThat(LogApi.acceptsGzip("deflate, GZIP;q=0.5")).isTrue();
        assertThat(LogApi.acceptsGzip("gzip;q=0")).isFalse();
        assertThat(LogApi.acceptsGzip("gzip; q=0.000")).isFalse();
        assertThat(LogApi.acceptsGzip("br")).isFalse();
        assertThat(LogApi.acceptsGzip("x-gzip2")).isFalse();
        assertThat(LogApi.acceptsGzip(null)).isFalse();
    }
}
