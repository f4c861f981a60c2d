package io.containerlogging.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14: hostile and careless clients, on raw sockets. Every test also checks that a normal
 * client is served meanwhile and that the server's threads come back afterwards. The JDK
 * server's bounds are those {@link JdkServerSettings} configured: requests within 2 s,
 * responses within 8 s.
 */
@DisplayName("LogHttpServer against hostile and careless clients")
@Timeout(60)
class HardeningTest {

    static final String WEB_ID = "aaa111aaa111aaa111aaa111aaa111aaa111aaa111aaa111aaa111aaa111aaaa";
    static final int THREADS = 4;

    LogBackend backend;
    FakeAttacher attacher;
    final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void start() {
        backend = TestBackend.create();
        attacher = new FakeAttacher(Map.of(WEB_ID, "web"));
        backend.log(LogMessage.system("hello", LogLevel.INFO, Instant.ofEpochMilli(1000)));
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        backend.close();
    }

    LogHttpServer server(LogHttpServer.Builder builder) {
        LogHttpServer server = builder.port(0).threads(THREADS).build();
        toClose.add(server);
        return server;
    }

    RawClient raw(LogHttpServer server) throws IOException {
        return raw(server, 0);
    }

    RawClient raw(LogHttpServer server, int receiveBuffer) throws IOException {
        RawClient client = new RawClient(server.port(), receiveBuffer);
        toClose.add(client);
        return client;
    }

    /** A normal client gets its answer while the bad ones are still connected. */
    static void normalClientServed(LogHttpServer server, String... headers) {
        HttpResponse<String> response = new Http(server.port()).get("/api/v1/logs/count", headers);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    static void threadsComeBack(LogHttpServer server) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(server.activeRequestThreads()).as("busy request threads").isZero();
            assertThat(server.handler().activeStreamThreads()).as("busy stream threads").isZero();
        });
    }

    void writeBig(int count, int bytes) {
        String text = "x".repeat(bytes); // one instance: the backend keeps references, not copies
        for (int i = 0; i < count; i++) {
            backend.log(LogMessage.system(text, LogLevel.INFO, Instant.ofEpochMilli(2000 + i)));
        }
    }

    @Nested
    @DisplayName("clients that send slowly or not at all")
    class SlowSenders {

        @Test
        @DisplayName("unfinished headers and LF-only requests hold a thread only until maxReqTime, then are closed")
        void slowHeaders() throws IOException {
            LogHttpServer server = server(LogHttpServer.builder(backend));
            List<RawClient> slow = new ArrayList<>();
            for (int i = 0; i < THREADS - 2; i++) {
                slow.add(raw(server).send("GET /api/v1/logs HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "));
            }
            slow.add(raw(server).send("GET /api/v1/logs HTTP/1.1\nHost: 127.0.0.1\nX-A: b"));
            normalClientServed(server);
            for (RawClient client : slow) {
                assertThat(client.closedByServer()).isTrue();
            }
            threadsComeBack(server);
            normalClientServed(server);
        }

        @Test
        @DisplayName("more stalled clients than threads delay others only until maxReqTime cuts them off")
        void moreStalledThanThreads() throws IOException {
            LogHttpServer server = server(LogHttpServer.builder(backend));
            List<RawClient> slow = new ArrayList<>();
            for (int i = 0; i < THREADS * 2; i++) {
                slow.add(raw(server).send("GET /api/v1/logs HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
            }
            normalClientServed(server); // within the client's 10 s timeout: maxReqTime is 2 s
            for (RawClient client : slow) {
                assertThat(client.closedByServer()).isTrue();
            }
            threadsComeBack(server);
        }

        @Test
        @DisplayName("an unauthenticated request announcing a body it never sends is answered 401 at once and closed")
        void unsentBodyUnauthenticated() throws IOException {
            LogHttpServer server = server(LogHttpServer.builder(backend).attacher(attacher).bearerToken("tok"));
            List<RawClient> clients = new ArrayList<>();
            for (int i = 0; i < THREADS * 2; i++) {
                clients.add(raw(server).request("POST", "/api/v1/logs/" + WEB_ID + "/attach",
                        "Content-Type: application/json\r\nContent-Length: 1000\r\n"));
            }
            for (RawClient client : clients) {
                RawClient.Response response = client.readResponse();
                assertThat(response.status()).isEqualTo(401);
                assertThat(response.hasHeader("Connection", "close")).as(response.headers()).isTrue();
                assertThat(client.closedByServer()).isTrue();
            }
            normalClientServed(server, "Authorization", "Bearer tok");
            threadsComeBack(server);
            assertThat(attacher.requests).isEmpty();
        }

        @Test
        @DisplayName("an authenticated request whose body never arrives is closed after maxReqTime")
        void unsentBodyAuthenticated() throws IOException {
            LogHttpServer server = server(LogHttpServer.builder(backend).attacher(attacher));
            RawClient client = raw(server).request("POST", "/api/v1/logs/" + WEB_ID + "/attach",
                    "Content-Type: application/json\r\nContent-Length: 1000\r\n").send("{\"servi");
            normalClientServed(server);
            assertThat(client.readUntilClosed()).doesNotContain("200 OK");
            threadsComeBack(server);
            assertThat(attacher.requests).isEmpty();
        }
    }

    @Nested
    @DisplayName("clients that do not read")
    class NonReaders {

        @Test
        @DisplayName("large responses go to the stream pool; short requests are served; the JDK cuts them at maxRspTime")
        void largeResponsesNotRead() throws IOException {
            writeBig(200, 64 * 1024); // 12.8 MB stored; responses are cut at 8 MiB
            LogHttpServer server = server(LogHttpServer.builder(backend));
            List<RawClient> stuck = new ArrayList<>();
            for (int i = 0; i < THREADS * 2; i++) {
                stuck.add(raw(server, 4096).request("GET", "/api/v1/logs", ""));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> server.handler().activeStreamThreads() > 0);
            normalClientServed(server);
            // The JDK server cuts the connections at maxRspTime (8 s): the threads come back
            // while the clients still have not read.
            threadsComeBack(server);
            for (RawClient client : stuck) {
                String got = client.readUntilClosed(); // reads only now, after the cut
                assertThat(got).startsWith("HTTP/1.1 200");
                assertThat(got.length()).as("bytes received before the cut")
                        .isLessThan(LogHttpHandler.DEFAULT_MAX_RESPONSE_BYTES);
            }
            threadsComeBack(server);
            normalClientServed(server);
        }

        @Test
        @DisplayName("large bodies held for non-readers are bounded by streamThreads: beyond, 503 at once, never piling up")
        void largeBodiesBounded() throws IOException {
            writeBig(200, 64 * 1024);
            LogHttpServer server = server(LogHttpServer.builder(backend).streamThreads(1));
            RawClient stuck = raw(server, 4096).request("GET", "/api/v1/logs", "");
            await().atMost(Duration.ofSeconds(5)).until(() -> server.handler().activeStreamThreads() == 1);
            HttpResponse<String> refused = new Http(server.port()).get("/api/v1/logs");
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
            normalClientServed(server);
            threadsComeBack(server); // the JDK cut the stuck one at maxRspTime
            assertThat(new Http(server.port()).get("/api/v1/logs").statusCode()).isEqualTo(200);
            stuck.close();
        }

        @Test
        @DisplayName("an event stream whose client stops reading is given up: unsubscribed, its place freed")
        void streamNotRead() throws IOException {
            writeBig(500, 16 * 1024); // 8 MB of history, more than the socket buffers take
            LogHttpServer server = server(LogHttpServer.builder(backend).heartbeatInterval(Duration.ofMillis(100))
                    .streamWriteTimeout(Duration.ofMillis(300)).maxStreams(2));
            RawClient stuck = raw(server, 4096).request("GET", "/api/v1/logs/stream?tail=500", "");
            await().atMost(Duration.ofSeconds(5)).until(() -> server.handler().openStreams() == 1);
            // Given up well before the JDK's 8 s maxRspTime: the place is free again.
            await().atMost(Duration.ofSeconds(5)).until(() -> server.handler().openStreams() == 0);
            normalClientServed(server);
            threadsComeBack(server); // the blocked writer, once maxRspTime cut the connection
            assertThat(stuck.readUntilClosed()).startsWith("HTTP/1.1 200");
        }

        @Test
        @DisplayName("a stream client that goes away frees its place at the next heartbeat")
        void streamClientGone() throws IOException {
            LogHttpServer server = server(LogHttpServer.builder(backend).heartbeatInterval(Duration.ofMillis(100)));
            RawClient client = raw(server).request("GET", "/api/v1/logs/stream", "");
            await().atMost(Duration.ofSeconds(5)).until(() -> server.handler().openStreams() == 1);
            client.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> server.handler().openStreams() == 0);
            threadsComeBack(server);
        }

        @Test
        @DisplayName("an event stream ends itself after maxStreamDuration, before the JDK would cut it")
        void streamDuration() throws IOException {
            LogHttpServer server = server(LogHttpServer.builder(backend).heartbeatInterval(Duration.ofMillis(100))
                    .maxStreamDuration(Duration.ofMillis(500)));
            String got = raw(server).request("GET", "/api/v1/logs/stream", "").readUntil("\r\n0\r\n\r\n");
            assertThat(got).contains("retry: 2000"); // and ends with the last chunk: a clean end
            threadsComeBack(server);
        }
    }

    @Nested
    @DisplayName("responses bounded in bytes")
    class Bytes {

        @Test
        @DisplayName("four concurrent requests for 2 000 lines of 256 KiB: each cut at 8 MiB, saying where to page on")
        void oversized() {
            writeBig(2000, 256 * 1024);
            LogHttpServer server = server(LogHttpServer.builder(backend));
            Http http = new Http(server.port());
            List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                responses.add(http.client().sendAsync(http.request("/api/v1/logs").GET().build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> future : responses) {
                HttpResponse<String> response = future.join();
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body().length()).isLessThanOrEqualTo(LogHttpHandler.DEFAULT_MAX_RESPONSE_BYTES);
                JsonObject body = Http.json(response);
                assertThat(body.get("truncated").getAsBoolean()).isTrue();
                JsonArray logs = body.getAsJsonArray("logs");
                assertThat(body.get("count").getAsInt()).isEqualTo(logs.size()).isPositive();
                assertThat(body.get("nextAfterId").getAsString())
                        .isEqualTo(logs.get(logs.size() - 1).getAsJsonObject().get("id").getAsString());
            }
            // Paging on with afterId continues right after the last message sent.
            JsonObject first = Http.json(responses.get(0).join());
            String next = first.get("nextAfterId").getAsString();
            JsonObject second = Http.json(http.get("/api/v1/logs?afterId=" + next));
            long nextSequence = Long.parseLong(next.substring(4)) + 1;
            assertThat(second.getAsJsonArray("logs").get(0).getAsJsonObject().get("id").getAsString())
                    .isEqualTo("log-" + nextSequence);
            normalClientServed(server);
            threadsComeBack(server);
        }

        @Test
        @DisplayName("a response that fits is not marked truncated")
        void fits() {
            LogHttpServer server = server(LogHttpServer.builder(backend));
            JsonObject body = Http.json(new Http(server.port()).get("/api/v1/logs"));
            assertThat(body.has("truncated")).isFalse();
            assertThat(body.keySet()).containsExactly("count", "logs");
        }

        @Test
        @DisplayName("a single message larger than the limit is sent as an excerpt")
        void singleHugeMessage() {
            writeBig(1, 1024 * 1024);
            LogHttpServer server = server(LogHttpServer.builder(backend).maxResponseBytes(64 * 1024));
            HttpResponse<String> response = new Http(server.port()).get("/api/v1/logs?afterId=log-1");
            assertThat(response.body().length()).isLessThanOrEqualTo(64 * 1024);
            JsonObject body = Http.json(response);
            assertThat(body.get("truncated").getAsBoolean()).isTrue();
            assertThat(body.get("nextAfterId").getAsString()).isEqualTo("log-2");
            assertThat(body.getAsJsonArray("logs").get(0).getAsJsonObject().get("message").getAsString())
                    .endsWith("of 1048576 characters shown]");
        }

        @Test
        @DisplayName("a stream's history keeps the newest messages that fit, after a truncated event")
        void streamTail() throws IOException {
            writeBig(200, 16 * 1024);
            LogHttpServer server = server(LogHttpServer.builder(backend).maxResponseBytes(64 * 1024)
                    .maxStreamDuration(Duration.ofMillis(300)).heartbeatInterval(Duration.ofMillis(100)));
            String got = raw(server).request("GET", "/api/v1/logs/stream?tail=200", "").readUntil("\r\n0\r\n\r\n");
            assertThat(got).contains("event: truncated\r\n".replace("\r\n", "\n"));
            assertThat(got).contains("id: log-201\n").doesNotContain("id: log-2\n");
            assertThat(got.length()).isLessThan(80 * 1024);
        }
    }

    @Nested
    @DisplayName("without a token: browsers from elsewhere")
    class ForeignPages {

        @Test
        @DisplayName("a foreign Host (DNS rebinding) is a 403; loopback names and configured hosts are served")
        void foreignHost() throws IOException {
            LogHttpServer server = server(LogHttpServer.builder(backend).allowedHosts("logs.internal"));
            for (String host : List.of("evil.example", "evil.example:" + server.port(), "127.0.0.1.evil.example",
                    "localhost.evil.example")) {
                RawClient.Response response = raw(server).send("GET /api/v1/logs HTTP/1.1\r\nHost: " + host
                        + "\r\n\r\n").readResponse();
                assertThat(response.status()).as(host).isEqualTo(403);
                assertThat(com.google.gson.JsonParser.parseString(response.body()).getAsJsonObject().get("parameter").getAsString())
                        .isEqualTo("Host");
            }
            for (String host : List.of("localhost:" + server.port(), "127.0.0.1", "[::1]:80", "LOGS.internal:1")) {
                RawClient.Response response = raw(server).send("GET /api/v1/logs HTTP/1.1\r\nHost: " + host
                        + "\r\n\r\n").readResponse();
                assertThat(response.status()).as(host).isEqualTo(200);
            }
            normalClientServed(server);
        }

        @Test
        @DisplayName("a foreign Origin is a 403 and attaches nothing; the same host's pages are served")
        void foreignOrigin() throws IOException {
            LogHttpServer server = server(LogHttpServer.builder(backend).attacher(attacher));
            RawClient.Response refused = raw(server).send("POST /api/v1/logs/" + WEB_ID + "/attach HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\nOrigin: https://evil.example\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 2\r\n\r\n{}").readResponse();
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.body()).contains("\"parameter\":\"Origin\"");
            assertThat(attacher.requests).isEmpty();
            RawClient.Response allowed = raw(server).request("GET", "/api/v1/logs",
                    "Origin: http://localhost:" + server.port() + "\r\n").readResponse();
            assertThat(allowed.status()).isEqualTo(200);
        }

        @Test
        @DisplayName("a POST body that is not application/json is a 415 and attaches nothing (no CORS preflight for text/plain)")
        void wrongContentType() throws IOException {
            LogHttpServer server = server(LogHttpServer.builder(backend).attacher(attacher));
            for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data")) {
                RawClient.Response response = raw(server).send("POST /api/v1/logs/" + WEB_ID + "/attach HTTP/1.1\r\n"
                        + "Host: 127.0.0.1\r\nContent-Type: " + type + "\r\nContent-Length: 22\r\n\r\n"
                        + "{\"serviceName\":\"evil\"}").readResponse();
                assertThat(response.status()).as(type).isEqualTo(415);
                assertThat(response.body()).contains("\"parameter\":\"Content-Type\"");
            }
            assertThat(attacher.requests).isEmpty();
            RawClient.Response json = raw(server).request("POST", "/api/v1/logs/" + WEB_ID + "/attach",
                    "Content-Type: application/json; charset=utf-8\r\nContent-Length: 21\r\n")
                    .send("{\"serviceName\":\"web\"}").readResponse();
            assertThat(json.status()).as(json.body()).isEqualTo(200);
        }

        @Test
        @DisplayName("with a token, the token is what counts: any Host is served")
        void tokenServesAnyHost() throws IOException {
            LogHttpServer server = server(LogHttpServer.builder(backend).bearerToken("tok"));
            RawClient.Response response = raw(server).send("GET /api/v1/logs/count HTTP/1.1\r\nHost: logs.example"
                    + "\r\nAuthorization: Bearer tok\r\n\r\n").readResponse();
            assertThat(response.status()).isEqualTo(200);
        }
    }

    @Nested
    @DisplayName("tokens, errors and HEAD")
    class Details {

        @Test
        @DisplayName("the token must match exactly: no prefix, suffix, case variant or extra character")
        void tokenExact() throws IOException {
            LogHttpServer server = server(LogHttpServer.builder(backend).bearerToken("s3cret"));
            for (String authorization : List.of("Bearer s3cret", "bearer s3cret", "BEARER s3cret", "Bearer  s3cret")) {
                assertThat(raw(server).request("GET", "/api/v1/logs/count", "Authorization: " + authorization + "\r\n")
                        .readResponse().status()).as(authorization).isEqualTo(200);
            }
            for (String authorization : List.of("Bearer S3CRET", "Bearer s3cret2", "Bearer xs3cret", "Bearer s3cre",
                    "Bearer s3cret,", "Bearers3cret", "Token s3cret")) {
                assertThat(raw(server).request("GET", "/api/v1/logs/count", "Authorization: " + authorization + "\r\n")
                        .readResponse().status()).as(authorization).isEqualTo(401);
            }
        }

        @Test
        @DisplayName("a huge parameter name is quoted as a short excerpt, not echoed")
        void hugeParameter() {
            LogHttpServer server = server(LogHttpServer.builder(backend));
            String name = "p".repeat(20_000);
            HttpResponse<String> response = new Http(server.port()).get("/api/v1/logs?" + name + "=1");
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.body().length()).isLessThan(500);
            assertThat(response.body()).contains("(20000 characters)");
        }

        @Test
        @DisplayName("malformed JSON gets our own message, not the parser's internals")
        void malformedJson() throws IOException {
            LogHttpServer server = server(LogHttpServer.builder(backend).attacher(attacher));
            RawClient.Response response = raw(server).request("POST", "/api/v1/logs/" + WEB_ID + "/attach",
                    "Content-Type: application/json\r\nContent-Length: 14\r\n").send("{\"serviceId\":}").readResponse();
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.body()).startsWith("{\"error\":\"malformed JSON").doesNotContain("gson")
                    .doesNotContain("http").doesNotContain("line 1");
            // The body was read whole, so the connection may be kept.
            assertThat(response.hasHeader("Connection", "close")).as(response.headers()).isFalse();
        }

        @Test
        @DisplayName("HEAD works where GET does, with GET's status and headers and no body")
        void head() throws IOException {
            LogHttpServer server = server(LogHttpServer.builder(backend));
            // The JDK server logs a warning (to stderr by default) for a HEAD response sent with
            // a length; ours must be quiet.
            java.util.logging.Logger jdkLog = java.util.logging.Logger.getLogger("com.sun.net.httpserver");
            List<java.util.logging.LogRecord> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.logging.Handler recorder = new java.util.logging.Handler() {
                @Override
                public void publish(java.util.logging.LogRecord record) {
                    if (record.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                        warnings.add(record);
                    }
                }

                @Override
                public void flush() {
                }

                @Override
                public void close() {
                }
            };
            jdkLog.addHandler(recorder);
            toClose.add(() -> jdkLog.removeHandler(recorder));
            for (String path : List.of("/api/v1/logs", "/api/v1/logs/count", "/api/v1/logs/stream")) {
                RawClient client = raw(server);
                RawClient.Response response = client.request("HEAD", path, "").readResponse();
                assertThat(response.status()).as(path).isEqualTo(200);
                assertThat(response.body()).isEmpty();
            }
            assertThat(server.handler().openStreams()).isZero();
            assertThat(warnings).extracting(java.util.logging.LogRecord::getMessage).isEmpty();
            RawClient.Response bad = raw(server).request("HEAD", "/api/v1/logs?limit=x", "").readResponse();
            assertThat(bad.status()).isEqualTo(400);
            HttpResponse<String> put = new Http(server.port()).send(new Http(server.port()).request("/api/v1/logs")
                    .PUT(HttpRequest.BodyPublishers.noBody()).build());
            assertThat(put.headers().firstValue("Allow")).hasValue("GET, HEAD");
        }
    }
}
