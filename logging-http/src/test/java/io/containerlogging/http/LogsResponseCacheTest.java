package io.containerlogging.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.local.LocalLogBackend;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Whole {@code GET /api/v1/logs} answers kept for repeated polls ({@link LogsResponseCache}):
 * a stored answer is only ever sent while the backend still returns the messages it was made
 * from, and ETags make repeated polls of an unchanged store a 304.
 */
@DisplayName("GET /api/v1/logs: repeated polls and ETags")
@Timeout(60)
class LogsResponseCacheTest {

    final LocalLogBackend backend = LocalLogBackend.builder().maxLogs(5).build();

    LogsResponseCacheTest() {
        try {
            backend.initialize();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // memory only: cannot happen
        }
    }

    @AfterEach
    void close() {
        backend.close();
    }

    static LogMessage line(String text, Instant timestamp) {
        return LogMessage.system(text, LogLevel.INFO, timestamp);
    }

    static List<String> texts(String body) {
        JsonObject json = com.google.gson.JsonParser.parseString(body).getAsJsonObject();
        List<String> texts = new ArrayList<>();
        json.getAsJsonArray("logs").forEach(log -> texts.add(log.getAsJsonObject().get("message").getAsString()));
        return texts;
    }

    @Nested
    @DisplayName("on a real server")
    class OverHttp {

        LogHttpServer server;
        Http http;

        void start(LogBackend logs) {
            server = LogHttpServer.builder(logs).port(0).build();
            http = new Http(server.port());
        }

        @AfterEach
        void stop() {
            if (server != null) {
                server.close();
            }
        }

        @Test
        @DisplayName("a repeated poll gets the same bytes and ETag; a poll after a store sees the new line")
        void appendInvalidates() {
            start(backend);
            for (int i = 1; i <= 3; i++) {
                backend.log(line("line " + i, Instant.now()));
            }
            HttpResponse<String> first = http.get("/api/v1/logs?limit=2");
            HttpResponse<String> second = http.get("/api/v1/logs?limit=2");
            assertThat(texts(first.body())).containsExactly("line 2", "line 3");
            assertThat(second.body()).isEqualTo(first.body());
            String etag = first.headers().firstValue("ETag").orElseThrow();
            assertThat(second.headers().firstValue("ETag")).hasValue(etag);

            backend.log(line("line 4", Instant.now()));
            HttpResponse<String> third = http.get("/api/v1/logs?limit=2");
            assertThat(texts(third.body())).containsExactly("line 3", "line 4");
            assertThat(third.headers().firstValue("ETag")).isPresent().isNotEqualTo(java.util.Optional.of(etag));
        }

        @Test
        @DisplayName("after the ring evicts a line, a repeated poll no longer shows it")
        void evictionInvalidates() {
            start(backend);
            for (int i = 1; i <= 5; i++) {
                backend.log(line("line " + i, Instant.now()));
            }
            assertThat(texts(http.get("/api/v1/logs").body())).startsWith("line 1").hasSize(5);
            assertThat(texts(http.get("/api/v1/logs").body())).startsWith("line 1").hasSize(5);
            backend.log(line("line 6", Instant.now())); // maxLogs 5: line 1 is evicted
            assertThat(texts(http.get("/api/v1/logs").body()))
                    .containsExactly("line 2", "line 3", "line 4", "line 5", "line 6");
        }

        @Test
        @DisplayName("after a retention cleanup deletes lines, a repeated poll no longer shows them")
        void deletionInvalidates() {
            start(backend);
            backend.log(line("old", Instant.now().minus(Duration.ofDays(2))));
            backend.log(line("new", Instant.now()));
            assertThat(texts(http.get("/api/v1/logs?limit=10").body())).containsExactly("old", "new");
            assertThat(texts(http.get("/api/v1/logs?limit=10").body())).containsExactly("old", "new");
            assertThat(backend.cleanup(Duration.ofDays(1))).isEqualTo(1);
            assertThat(texts(http.get("/api/v1/logs?limit=10").body())).containsExactly("new");
        }

        @Test
        @DisplayName("If-None-Match with the current ETag is a 304 without a body; once the store changes, a 200")
        void notModified() {
            start(backend);
            backend.log(line("line 1", Instant.now()));
            HttpResponse<String> first = http.get("/api/v1/logs?limit=10");
            String etag = first.headers().firstValue("ETag").orElseThrow();

            HttpResponse<String> again = http.get("/api/v1/logs?limit=10", "If-None-Match", etag);
            assertThat(again.statusCode()).isEqualTo(304);
            assertThat(again.body()).isEmpty();
            assertThat(again.headers().firstValue("ETag")).hasValue(etag);
            assertThat(again.headers().firstValue("Cache-Control")).hasValue("no-store");
            assertThat(http.get("/api/v1/logs?limit=10", "If-None-Match", "\"other\", W/" + etag).statusCode())
                    .isEqualTo(304);
            assertThat(http.get("/api/v1/logs?limit=10", "If-None-Match", "\"other\"").statusCode())
                    .isEqualTo(200);

            backend.log(line("line 2", Instant.now()));
            HttpResponse<String> changed = http.get("/api/v1/logs?limit=10", "If-None-Match", etag);
            assertThat(changed.statusCode()).isEqualTo(200);
            assertThat(texts(changed.body())).containsExactly("line 1", "line 2");
            assertThat(changed.headers().firstValue("ETag")).isPresent().isNotEqualTo(java.util.Optional.of(etag));
        }

        @Test
        @DisplayName("gzip and identity answers are kept apart, with different ETags, and say the same")
        void encodingsApart() throws IOException {
            start(backend);
            backend.log(line("x".repeat(3000), Instant.now())); // over gzipMinBytes
            for (int round = 0; round < 2; round++) {
                HttpResponse<byte[]> zipped = http.send(http.request("/api/v1/logs").header("Accept-Encoding", "gzip")
                        .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
                HttpResponse<String> plain = http.get("/api/v1/logs");
                assertThat(zipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
                assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
                assertThat(zipped.headers().firstValue("Vary")).hasValue("Accept-Encoding");
                assertThat(plain.headers().firstValue("Vary")).hasValue("Accept-Encoding");
                assertThat(zipped.headers().firstValue("ETag")).isNotEqualTo(plain.headers().firstValue("ETag"));
                try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(zipped.body()))) {
                    assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(plain.body());
                }
            }
        }

        @Test
        @DisplayName("a refused query is refused every time: only valid queries are kept")
        void invalidNeverKept() {
            start(backend);
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> refused = http.get("/api/v1/logs?limit=-1");
                assertThat(refused.statusCode()).isEqualTo(400);
                assertThat(Http.json(refused).get("parameter").getAsString()).isEqualTo("limit");
                assertThat(refused.headers().firstValue("ETag")).isEmpty();
            }
        }
    }

    @Nested
    @DisplayName("in LogApi")
    class InApi {

        ApiResponse get(LogApi api, String query, String... headers) {
            Map<String, String> map = new HashMap<>(Map.of("Host", "localhost"));
            for (int i = 0; i < headers.length; i += 2) {
                map.put(headers[i], headers[i + 1]);
            }
            return api.handle(new ApiRequest("GET", "/api/v1/logs", query, map::get,
                    new ByteArrayInputStream(new byte[0]), 0));
        }

        static String body(ApiResponse response) {
            return new String(response.body().toByteArray(), StandardCharsets.UTF_8);
        }

        @Test
        @DisplayName("a backend that hands out new instances each time is answered afresh each time")
        void freshInstancesNeverHit() {
            List<LogMessage> stored = new ArrayList<>();
            LogBackend copies = org.mockito.Mockito.mock(LogBackend.class);
            org.mockito.Mockito.when(copies.getLogs(org.mockito.ArgumentMatchers.any(LogQuery.class)))
                    .thenAnswer(call -> stored.stream().map(m -> m.toBuilder().build()).toList());
            LogApi api = new LogApi(copies, null, 100, 64, LogHttpHandler.DEFAULT_MAX_RESPONSE_BYTES, 1024, null,
                    null, java.util.Set.of());
            stored.add(line("a", Instant.ofEpochMilli(1)).toBuilder().id("log-1").build());
            ApiResponse first = get(api, "limit=5");
            ApiResponse second = get(api, "limit=5");
            assertThat(body(second)).isEqualTo(body(first));
            assertThat(second.headers().get("ETag")).isNotEqualTo(first.headers().get("ETag"));
            // Same id, same instance count, different text: a stale answer would show "a".
            stored.set(0, line("b", Instant.ofEpochMilli(1)).toBuilder().id("log-1").build());
            assertThat(texts(body(get(api, "limit=5")))).containsExactly("b");
        }

        @Test
        @DisplayName("more distinct queries than entries replace each other and stay correct")
        void manyQueries() {
            LogApi api = new LogApi(backend, null, 100, 64, LogHttpHandler.DEFAULT_MAX_RESPONSE_BYTES, 1024, null,
                    null, java.util.Set.of());
            for (int i = 1; i <= 5; i++) {
                backend.log(line("line " + i, Instant.now()));
            }
            for (int round = 0; round < 3; round++) {
                for (int limit = 0; limit <= 4 * LogsResponseCache.SLOTS; limit++) {
                    List<String> texts = texts(body(get(api, "limit=" + limit)));
                    assertThat(texts).hasSize(Math.min(limit, 5));
                    if (limit > 0) {
                        assertThat(texts).endsWith("line " + (5 + round));
                    }
                }
                backend.log(line("line " + (6 + round), Instant.now()));
            }
        }

        @Test
        @DisplayName("answers over the byte cap are not kept and carry no ETag")
        void largeNotKept() {
            LogApi api = new LogApi(backend, null, 100, 64, LogHttpHandler.DEFAULT_MAX_RESPONSE_BYTES, 1024, null,
                    null, java.util.Set.of());
            backend.log(line("y".repeat(LogsResponseCache.MAX_BODY_BYTES), Instant.now()));
            ApiResponse response = get(api, "");
            assertThat(response.body().length()).isGreaterThan(LogsResponseCache.MAX_BODY_BYTES);
            assertThat(response.headers()).doesNotContainKey("ETag");
            assertThat(get(api, "").headers()).doesNotContainKey("ETag");
        }

        @Test
        @DisplayName("If-None-Match: lists, weak tags and * match; other tags do not")
        void ifNoneMatchParsing() {
            assertThat(LogsResponseCache.matches("\"a-1\"", "\"a-1\"")).isTrue();
            assertThat(LogsResponseCache.matches(" \"x\" , W/\"a-1\"", "\"a-1\"")).isTrue();
            assertThat(LogsResponseCache.matches("*", "\"a-1\"")).isTrue();
            assertThat(LogsResponseCache.matches("\"a-2\", \"a-10\"", "\"a-1\"")).isFalse();
            assertThat(LogsResponseCache.matches("a-1", "\"a-1\"")).isFalse();
            assertThat(LogsResponseCache.matches(null, "\"a-1\"")).isFalse();
        }
    }
}
