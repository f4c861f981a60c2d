package io.containerlogging.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpHandler;
import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("AccessFilter: every request is reported once its response has ended")
@Timeout(30)
class AccessFilterTest {

    static final String TOKEN = "s3cret-token";

    final ConcurrentLinkedQueue<AccessRecord> records = new ConcurrentLinkedQueue<>();
    final AtomicInteger metricsCalls = new AtomicInteger();
    LogBackend backend;
    LogHttpServer server;
    Http http;

    void start(boolean token) {
        backend = TestBackend.create();
        for (int i = 0; i < 200; i++) {
            backend.log(LogMessage.system("message number " + i + " with some padding to compress",
                    i % 10 == 0 ? LogLevel.ERROR : LogLevel.INFO, Instant.ofEpochMilli(1000 + i)));
        }
        HttpHandler metrics = exchange -> {
            metricsCalls.incrementAndGet();
            byte[] body = "up 1\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        };
        LogHttpServer.Builder builder = LogHttpServer.builder(backend).port(0).viewer(true)
                .heartbeatInterval(Duration.ofMillis(50))
                .accessListener(record -> {
                    throw new IllegalStateException("a broken listener");
                })
                .accessListener(records::add)
                .mount("/metrics", metrics);
        if (token) {
            builder.bearerToken(TOKEN);
        }
        server = builder.build();
        http = new Http(server.port());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    AccessRecord awaitRecord(String method, String path) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> find(method, path), Optional::isPresent).get();
    }

    Optional<AccessRecord> find(String method, String path) {
        return records.stream().filter(r -> r.method().equals(method) && r.path().equals(path)).findFirst();
    }

    @Nested
    @DisplayName("without a token")
    class Open {

        @BeforeEach
        void startOpen() {
            start(false);
        }

        @Test
        @DisplayName("a normal response is reported with its status, byte count, endpoint and query, even though a listener before it throws")
        void normalResponse() {
            HttpResponse<String> response = http.get("/api/v1/logs?level=error&limit=5");
            assertThat(response.statusCode()).isEqualTo(200);

            AccessRecord record = awaitRecord("GET", "/api/v1/logs");
            assertThat(record.status()).isEqualTo(200);
            assertThat(record.endpoint()).isEqualTo("/api/v1/logs");
            assertThat(record.query()).isEqualTo("level=error&limit=5");
            assertThat(record.bytes()).isEqualTo(response.body().getBytes(StandardCharsets.UTF_8).length);
            assertThat(record.remoteAddress()).isEqualTo("127.0.0.1");
            assertThat(record.tokenPresented()).isFalse();
            assertThat(record.duration()).isPositive();
        }

        @Test
        @DisplayName("4xx answers are reported, unknown paths under the endpoint 'other'")
        void clientErrors() {
            assertThat(http.get("/api/v1/logs?limit=abc").statusCode()).isEqualTo(400);
            assertThat(http.get("/api/v1/nothing-here").statusCode()).isEqualTo(404);

            AccessRecord bad = awaitRecord("GET", "/api/v1/logs");
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.bytes()).isPositive();
            AccessRecord missing = awaitRecord("GET", "/api/v1/nothing-here");
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.endpoint()).isEqualTo("other");
        }

        @Test
        @DisplayName("HEAD and a viewer redirect, which have no body, are reported with 0 bytes")
        void withoutBody() {
            HttpResponse<Void> head = http.send(http.request("/api/v1/logs").method("HEAD",
                    HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            assertThat(head.statusCode()).isEqualTo(200);

            AccessRecord record = awaitRecord("HEAD", "/api/v1/logs");
            assertThat(record.status()).isEqualTo(200);
            assertThat(record.bytes()).isZero();

            HttpResponse<String> page = http.get("/viewer.css");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(awaitRecord("GET", "/viewer.css").endpoint()).isEqualTo("/");
        }

        @Test
        @DisplayName("a gzip'd body is counted in the bytes sent, not the bytes before compression")
        void gzipBytes() {
            HttpResponse<byte[]> response = http.send(http.request("/api/v1/logs?limit=200")
                    .header("Accept-Encoding", "gzip").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.headers().firstValue("Content-Encoding")).hasValue("gzip");

            AccessRecord record = awaitRecord("GET", "/api/v1/logs");
            assertThat(record.bytes()).isEqualTo(response.body().length);
        }

        @Test
        @DisplayName("an event stream is reported when the client closes it, with what it was sent")
        void streamClosedByClient() throws Exception {
            try (RawClient client = new RawClient(server.port())) {
                client.request("GET", "/api/v1/logs/stream?level=error", "");
                client.readUntil("\r\n\r\n");
                assertThat(find("GET", "/api/v1/logs/stream")).isEmpty(); // still open
            }
            AccessRecord record = awaitRecord("GET", "/api/v1/logs/stream");
            assertThat(record.status()).isEqualTo(200);
            assertThat(record.endpoint()).isEqualTo("/api/v1/logs/stream");
            assertThat(record.bytes()).isPositive();
        }

        @Test
        @DisplayName("a mounted handler is reported under its context path")
        void mounted() {
            assertThat(http.get("/metrics").body()).isEqualTo("up 1\n");
            AccessRecord record = awaitRecord("GET", "/metrics");
            assertThat(record.endpoint()).isEqualTo("/metrics");
            assertThat(record.bytes()).isEqualTo(5);
        }

        @Test
        @DisplayName("without a token, a mounted handler refuses a foreign Host as the API does")
        void mountedHostCheck() {
            HttpResponse<String> response = http.get("/metrics", "Origin", "https://evil.example");
            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(metricsCalls).hasValue(0);
        }
    }

    @Nested
    @DisplayName("with a token")
    class WithToken {

        @BeforeEach
        void startWithToken() {
            start(true);
        }

        @Test
        @DisplayName("a stream ticket's value is masked, and the bearer token is never recorded")
        void masking() {
            HttpResponse<String> response = http.get("/api/v1/logs/stream?level=error&ticket=TICKETVALUE&tick%65t=OTHER",
                    "Authorization", "Bearer wrong-" + TOKEN);
            assertThat(response.statusCode()).isEqualTo(401);

            AccessRecord record = awaitRecord("GET", "/api/v1/logs/stream");
            assertThat(record.status()).isEqualTo(401);
            assertThat(record.tokenPresented()).isTrue();
            assertThat(record.query()).isEqualTo("level=error&ticket=***&tick%65t=***");
            assertThat(record.toString()).doesNotContain("TICKETVALUE", "OTHER", TOKEN);
        }

        @Test
        @DisplayName("a mounted handler needs the token too; refusals are reported")
        void mountedNeedsToken() {
            HttpResponse<String> refused = http.get("/metrics");
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.headers().firstValue("WWW-Authenticate")).isPresent();
            assertThat(metricsCalls).hasValue(0);
            assertThat(awaitRecord("GET", "/metrics").status()).isEqualTo(401);

            HttpResponse<String> allowed = http.get("/metrics", "Authorization", "Bearer " + TOKEN);
            assertThat(allowed.statusCode()).isEqualTo(200);
            assertThat(metricsCalls).hasValue(1);
        }
    }

    @Test
    @DisplayName("endpoint names stay few whatever the path")
    void endpoints() {
        assertThat(AccessFilter.endpoint("/", "/api/v1/logs/abc123/attach")).isEqualTo("/api/v1/logs/{containerId}/attach");
        assertThat(AccessFilter.endpoint("/", "/api/v1/logs/a/b/attach")).isEqualTo("other");
        assertThat(AccessFilter.endpoint("/", "/api/v1/logs//attach")).isEqualTo("other");
        assertThat(AccessFilter.endpoint("/", "/")).isEqualTo("/");
        assertThat(AccessFilter.endpoint("/audit", "/audit/api/v1/logs")).isEqualTo("/audit/api/v1/logs");
        assertThat(AccessFilter.endpoint("/audit", "/audit")).isEqualTo("/audit");
        assertThat(AccessFilter.endpoint("/metrics", "/metrics/x")).isEqualTo("other");
        assertThat(AccessFilter.endpoint("/", "/random/" + "x".repeat(100))).isEqualTo("other");
    }

    @Test
    @DisplayName("the query is cut to 1 KB")
    void longQuery() {
        assertThat(AccessFilter.maskedQuery("q=" + "x".repeat(5000))).hasSize(AccessFilter.MAX_TEXT_CHARS);
        assertThat(AccessFilter.maskedQuery(null)).isEmpty();
        assertThat(AccessFilter.maskedQuery("a&ticket=1&&b=2")).isEqualTo("a&ticket=***&&b=2");
    }

    @Test
    @DisplayName("mount refuses malformed and repeated paths")
    void mountValidation() {
        try (LogBackend unused = TestBackend.create()) {
            LogHttpServer.Builder builder = LogHttpServer.builder(unused);
            HttpHandler handler = exchange -> exchange.close();
            for (String bad : List.of("metrics", "/", "/metrics/", "/a b", "/a?b")) {
                assertThatThrownBy(() -> builder.mount(bad, handler)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining(bad);
            }
            builder.mount("/metrics", handler);
            assertThatThrownBy(() -> builder.mount("/metrics", handler)).isInstanceOf(IllegalStateException.class);
        }
    }
}
