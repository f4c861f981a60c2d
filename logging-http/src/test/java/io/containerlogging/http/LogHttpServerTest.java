package io.containerlogging.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("LogHttpServer: the REST API on a real server")
@Timeout(30)
class LogHttpServerTest {

    static final String WEB_ID = "aaa111aaa111aaa111aaa111aaa111aaa111aaa111aaa111aaa111aaa111aaaa";
    static final String API_ID = "bbb222bbb222bbb222bbb222bbb222bbb222bbb222bbb222bbb222bbb222bbbb";

    LogBackend backend;
    FakeAttacher attacher;
    LogHttpServer server;
    Http http;
    final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void start() {
        backend = TestBackend.create();
        attacher = new FakeAttacher(Map.of(WEB_ID, "web", API_ID, "api"));
        server = LogHttpServer.builder(backend).attacher(attacher).port(0).build();
        http = new Http(server.port());
        // Six messages covering every filter dimension; ids log-1 .. log-6 in this order.
        backend.log(container(1, "web", WEB_ID, LogLevel.INFO, "Server started on port 8080", 1000, false));
        backend.log(container(2, "api", API_ID, LogLevel.ERROR, "Error connecting to database", 2000, true));
        backend.log(LogMessage.system("system started", LogLevel.INFO, Instant.ofEpochMilli(3000)));
        backend.log(LogMessage.builder().message("reconciliation slow").level(LogLevel.WARN)
                .source(LogSource.MANAGER).system(true).timestamp(Instant.ofEpochMilli(4000)).build());
        backend.log(container(1, "web", WEB_ID, LogLevel.DEBUG, "GET /", 5000, false));
        backend.log(container(1, "web", WEB_ID, LogLevel.ERROR, "GET /missing 404", 6000, true));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        server.close();
        backend.close();
    }

    static LogMessage container(int serviceId, String name, String containerId, LogLevel level, String text,
            long millis, boolean stderr) {
        return LogMessage.builder().message(text).level(level).source(LogSource.container(name))
                .serviceId(serviceId).serviceName(name).containerId(containerId).stdErr(stderr)
                .timestamp(Instant.ofEpochMilli(millis)).build();
    }

    static List<String> ids(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonObject body = Http.json(response);
        JsonArray logs = body.getAsJsonArray("logs");
        assertThat(body.get("count").getAsInt()).isEqualTo(logs.size());
        List<String> ids = new ArrayList<>();
        for (JsonElement log : logs) {
            ids.add(log.getAsJsonObject().get("id").getAsString());
        }
        return ids;
    }

    LogHttpServer extraServer(LogHttpServer.Builder builder) {
        LogHttpServer extra = builder.port(0).build();
        toClose.add(extra);
        return extra;
    }

    @Nested
    @DisplayName("GET /api/v1/logs")
    class Logs {

        @Test
        @DisplayName("returns every log oldest first, in the seed's shape")
        void all() {
            HttpResponse<String> response = http.get("/api/v1/logs");
            assertThat(ids(response)).containsExactly("log-1", "log-2", "log-3", "log-4", "log-5", "log-6");
            JsonObject first = Http.json(response).getAsJsonArray("logs").get(0).getAsJsonObject();
            assertThat(first.get("id").getAsString()).isEqualTo("log-1");
            assertThat(first.get("message").getAsString()).isEqualTo("Server started on port 8080");
            assertThat(first.get("timestamp").getAsLong()).isEqualTo(1000);
            assertThat(first.get("level").getAsString()).isEqualTo("info");
            assertThat(first.getAsJsonObject("source").get("type").getAsString()).isEqualTo("container");
            assertThat(first.getAsJsonObject("source").get("name").getAsString()).isEqualTo("web");
            assertThat(first.get("serviceId").getAsInt()).isEqualTo(1);
            assertThat(first.get("serviceName").getAsString()).isEqualTo("web");
            assertThat(first.get("containerId").getAsString()).isEqualTo(WEB_ID);
            assertThat(first.get("isStdErr").getAsBoolean()).isFalse();
            assertThat(first.get("isSystem").getAsBoolean()).isFalse();
        }

        @ParameterizedTest(name = "{0} -> {1}")
        @DisplayName("filters by every parameter, alone and combined")
        @CsvSource(delimiter = '|', value = {
            "limit=2                               | log-5 log-6",
            "limit=0                               | ''",
            "limit=100                             | log-1 log-2 log-3 log-4 log-5 log-6",
            "serviceName=web                       | log-1 log-5 log-6",
            "serviceName=web&limit=2               | log-5 log-6",
            "serviceId=2                           | log-2",
            "containerId=" + WEB_ID + "            | log-1 log-5 log-6",
            "containerId=bbb2                      | log-2",
            "level=error                           | log-2 log-6",
            "level=error&level=warn                | log-2 log-4 log-6",
            "sourceType=container                  | log-1 log-2 log-5 log-6",
            "sourceType=system&sourceType=manager  | log-3 log-4",
            "since=2000                            | log-2 log-3 log-4 log-5 log-6",
            "until=3000                            | log-1 log-2",
            "since=2000&until=4000                 | log-2 log-3",
            "since=3000&until=3000                 | ''",
            "afterId=log-4                         | log-5 log-6",
            "afterId=log-4&limit=1                 | log-5",
            "serviceName=web&level=error&level=debug&since=1 | log-5 log-6",
            "serviceName=nobody                    | ''",
        })
        void filters(String query, String expected) {
            List<String> expectedIds = expected.isBlank() ? List.of() : List.of(expected.trim().split(" "));
            assertThat(ids(http.get("/api/v1/logs?" + query))).containsExactlyElementsOf(expectedIds);
        }

        @Test
        @DisplayName("without limit returns at most the configured cap, the newest ones; a larger limit is capped")
        void cap() {
            LogHttpServer capped = extraServer(LogHttpServer.builder(backend).maxLimit(4));
            Http cappedHttp = new Http(capped.port());
            assertThat(ids(cappedHttp.get("/api/v1/logs"))).containsExactly("log-3", "log-4", "log-5", "log-6");
            assertThat(ids(cappedHttp.get("/api/v1/logs?limit=1000"))).containsExactly("log-3", "log-4", "log-5", "log-6");
            assertThat(ids(cappedHttp.get("/api/v1/logs?limit=2"))).containsExactly("log-5", "log-6");
        }

        @Test
        @DisplayName("the default cap is 10 000")
        void defaultCap() {
            assertThat(LogHttpHandler.DEFAULT_MAX_LIMIT).isEqualTo(10_000);
            for (int i = 0; i < 10_100; i++) {
                backend.log(LogMessage.system("bulk " + i, LogLevel.DEBUG, Instant.ofEpochMilli(10_000 + i)));
            }
            List<String> ids = ids(http.get("/api/v1/logs"));
            assertThat(ids).hasSize(10_000);
            assertThat(ids.get(ids.size() - 1)).isEqualTo("log-10106");
            assertThat(ids.get(0)).isEqualTo("log-107");
        }

        @Test
        @DisplayName("a message with newlines, quotes and non-ASCII text round-trips")
        void escaping() {
            backend.log(LogMessage.system("line1\nline2 \"quoted\" \u00e9\u6f22 \u0001", LogLevel.INFO, Instant.ofEpochMilli(7000)));
            JsonObject body = Http.json(http.get("/api/v1/logs?afterId=log-6"));
            assertThat(body.getAsJsonArray("logs").get(0).getAsJsonObject().get("message").getAsString())
                    .isEqualTo("line1\nline2 \"quoted\" \u00e9\u6f22 \u0001");
        }
    }

    @Nested
    @DisplayName("GET /api/v1/logs/count")
    class Count {

        @ParameterizedTest(name = "{0} -> {1}")
        @CsvSource(delimiter = '|', value = {
            "''                            | 6",
            "level=error                   | 2",
            "serviceName=web&since=5000    | 2",
            "sourceType=system&sourceType=manager | 2",
            "afterId=log-5                 | 1",
            "containerId=aaa               | 3",
        })
        @DisplayName("counts all stored logs, or those matching the filters")
        void count(String query, long expected) {
            HttpResponse<String> response = http.get("/api/v1/logs/count" + (query.isEmpty() ? "" : "?" + query));
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"count\":" + expected + "}");
        }
    }

    @Nested
    @DisplayName("bad input")
    class BadInput {

        @ParameterizedTest(name = "{0} -> {1} {2}")
        @DisplayName("is a 4xx naming the parameter, never a 500")
        @CsvSource(delimiter = '|', value = {
            "/api/v1/logs?limit=abc                 | 400 | limit",
            "/api/v1/logs?limit=-1                  | 400 | limit",
            "/api/v1/logs?limit=1.5                 | 400 | limit",
            "/api/v1/logs?limit=+5                  | 400 | limit",
            "/api/v1/logs?limit=99999999999         | 400 | limit",
            "/api/v1/logs?limit=1&limit=2           | 400 | limit",
            "/api/v1/logs?limit=                    | 400 | limit",
            "/api/v1/logs?serviceId=web             | 400 | serviceId",
            "/api/v1/logs?serviceId=-3              | 400 | serviceId",
            "/api/v1/logs?since=yesterday           | 400 | since",
            "/api/v1/logs?since=-5                  | 400 | since",
            "/api/v1/logs?until=1e9                 | 400 | until",
            "/api/v1/logs?since=5&until=4           | 400 | since",
            "/api/v1/logs?level=fatal               | 400 | level",
            "/api/v1/logs?level=error&level=ERROR   | 400 | level",
            "/api/v1/logs?sourceType=docker         | 400 | sourceType",
            "/api/v1/logs?servicename=web           | 400 | servicename",
            "/api/v1/logs?foo=1                     | 400 | foo",
            "/api/v1/logs?afterId=7                 | 400 | afterId",
            "/api/v1/logs?containerId=a%2Fb         | 400 | containerId",
            "/api/v1/logs?containerId=%3Cscript%3E  | 400 | containerId",
            "/api/v1/logs?serviceName=              | 400 | serviceName",
            "/api/v1/logs/count?limit=5             | 400 | limit",
            "/api/v1/logs/count?level=loud          | 400 | level",
            "/api/v1/logs/stream?limit=5            | 400 | limit",
            "/api/v1/logs/stream?tail=x             | 400 | tail",
            "/api/v1/logs/stream?tail=-1            | 400 | tail",
            "/api/v1/logs/stream?level=nope         | 400 | level",
        })
        void badParameters(String pathAndQuery, int status, String parameter) {
            HttpResponse<String> response = http.get(pathAndQuery);
            assertThat(response.statusCode()).isEqualTo(status);
            assertErrorBody(response, parameter);
        }

        @Test
        @DisplayName("broken percent-encoding in the query is a 400 (from the JDK server, before us)")
        void brokenPercentEncoding() throws IOException {
            // java.net.URI refuses to build such a request, so send it over a raw socket. The JDK
            // server rejects the request line itself; what matters is that it is a 400.
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
                socket.getOutputStream().write(("GET /api/v1/logs?serviceName=%zz HTTP/1.1\r\nHost: x\r\n"
                        + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                // Its body is its own HTML ("URISyntaxException thrown"), not ours: our handler
                // never sees the request. No stack trace, no 500.
                assertThat(response).startsWith("HTTP/1.1 400").doesNotContain("\tat ");
            }
        }

        @Test
        @DisplayName("an unknown path is a 404")
        void unknownPath() {
            for (String path : List.of("/", "/api/v1/log", "/api/v1/logs/", "/api/v1/logs/abc",
                    "/api/v1/logs/a/b/attach", "/api/v1/logs//attach", "/api/v2/logs")) {
                HttpResponse<String> response = http.get(path);
                assertThat(response.statusCode()).as(path).isEqualTo(404);
                assertErrorBody(response, null);
            }
        }

        @Test
        @DisplayName("a wrong method is a 405 with Allow")
        void wrongMethod() {
            HttpResponse<String> post = http.send(http.request("/api/v1/logs")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
            assertErrorBody(post, null);

            HttpResponse<String> put = http.send(http.request("/api/v1/logs/count")
                    .PUT(HttpRequest.BodyPublishers.noBody()).build());
            assertThat(put.statusCode()).isEqualTo(405);
            assertThat(put.headers().firstValue("Allow")).hasValue("GET, HEAD");

            HttpResponse<String> getAttach = http.get("/api/v1/logs/abc123/attach");
            assertThat(getAttach.statusCode()).isEqualTo(405);
            assertThat(getAttach.headers().firstValue("Allow")).hasValue("POST, DELETE");
        }

        @ParameterizedTest(name = "{0}")
        @DisplayName("a container id with characters Docker never uses is a 400")
        @CsvSource({"a%20b", "..", "-rf", "%2e%2e", "a%00b", "_x"})
        void badContainerIdInPath(String id) {
            HttpResponse<String> response = http.send(http.request("/api/v1/logs/" + id + "/attach")
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            assertThat(response.statusCode()).isEqualTo(400);
            assertErrorBody(response, "containerId");
            assertThat(attacher.requests).isEmpty();
        }
    }

    static void assertErrorBody(HttpResponse<String> response, String parameter) {
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        JsonObject body = Http.json(response);
        assertThat(body.get("error").getAsString()).isNotBlank();
        if (parameter == null) {
            assertThat(body.has("parameter")).isFalse();
        } else {
            assertThat(body.get("parameter").getAsString()).isEqualTo(parameter);
        }
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Nested
    @DisplayName("POST/DELETE /api/v1/logs/{containerId}/attach")
    class Attach {

        HttpResponse<String> post(String id, String body) {
            return http.send(http.request("/api/v1/logs/" + id + "/attach")
                    .header("Content-Type", "application/json")
                    .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                    .build());
        }

        HttpResponse<String> delete(String id) {
            return http.send(http.request("/api/v1/logs/" + id + "/attach").DELETE().build());
        }

        @Test
        @DisplayName("attaching by a prefix echoes the id as requested, as the seed's response does")
        void attachByPrefixEchoesTheRequestedId() {
            String prefix = WEB_ID.substring(0, 6);
            HttpResponse<String> response = post(prefix, "{\"serviceName\": \"web\"}");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"message\":\"Successfully attached to container logs\","
                    + "\"containerId\":\"" + prefix + "\",\"serviceName\":\"web\"}");
            assertThat(attacher.attachedContainers()).extracting(c -> c.containerId()).containsExactly(WEB_ID);
        }

        @Test
        @DisplayName("attaches with the body's service id and name, answering as the seed does")
        void attach() {
            HttpResponse<String> response = post(WEB_ID, "{\"serviceId\": 1, \"serviceName\": \"web\"}");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"message\":\"Successfully attached to container logs\","
                    + "\"containerId\":\"" + WEB_ID + "\",\"serviceName\":\"web\"}");
            assertThat(attacher.requests).singleElement().satisfies(options -> {
                assertThat(options.containerId()).isEqualTo(WEB_ID);
                assertThat(options.serviceId()).isEqualTo(1);
                assertThat(options.serviceName()).isEqualTo("web");
                assertThat(options.follow()).isTrue();
            });
            assertThat(attacher.attachedContainers()).hasSize(1);
        }

        @Test
        @DisplayName("the body and each of its fields are optional")
        void optionalBody() {
            assertThat(post("bbb2", null).statusCode()).isEqualTo(200);
            assertThat(Http.json(post("bbb2", "{}")).get("serviceName").getAsString()).isEqualTo("api");
            assertThat(post("bbb2", "{\"serviceId\": 7}").statusCode()).isEqualTo(200);
            assertThat(post("bbb2", "{\"serviceName\": null}").statusCode()).isEqualTo(200);
            assertThat(attacher.requests).extracting(o -> o.serviceId()).containsExactly(null, null, 7, null);
        }

        @Test
        @DisplayName("an unknown container is a 404")
        void unknown() {
            HttpResponse<String> response = post("ccc333", "{\"serviceId\": 1}");
            assertThat(response.statusCode()).isEqualTo(404);
            assertErrorBody(response, "containerId");
        }

        @Test
        @DisplayName("detaches, answering as the seed does; detaching again is a 404")
        void detach() {
            post(WEB_ID, null);
            HttpResponse<String> response = delete(WEB_ID);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"message\":\"Successfully detached from container logs\","
                    + "\"containerId\":\"" + WEB_ID + "\"}");
            assertThat(attacher.attachedContainers()).isEmpty();
            HttpResponse<String> again = delete(WEB_ID);
            assertThat(again.statusCode()).isEqualTo(404);
            assertErrorBody(again, "containerId");
            assertThat(delete("ccc333").statusCode()).isEqualTo(404);
        }

        @ParameterizedTest(name = "{0}")
        @DisplayName("a malformed body is a 400 and attaches nothing")
        @CsvSource(delimiter = '|', value = {
            "{\"serviceId\":               | ''",
            "[1]                           | ''",
            "\"web\"                       | ''",
            "{\"serviceId\": \"x\"}        | serviceId",
            "{\"serviceId\": -1}           | serviceId",
            "{\"serviceId\": 1.5}          | serviceId",
            "{\"serviceId\": 99999999999}  | serviceId",
            "{\"serviceName\": 3}          | serviceName",
            "{\"serviceName\": \" \"}      | serviceName",
            "{\"image\": \"x\"}            | image",
            "{} {}                         | ''",
            "{serviceId: 1}                | ''",
            "{\"serviceId\": 1,}           | ''",
        })
        void malformed(String body, String parameter) {
            HttpResponse<String> response = post(WEB_ID, body);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
            assertErrorBody(response, parameter.isEmpty() ? null : parameter);
            assertThat(attacher.requests).isEmpty();
        }

        @Test
        @DisplayName("an oversized body is a 413")
        void oversized() {
            // Sizes from just over the limit to well over it, repeated: the 413 must reach a client
            // that is still sending (a close with unread bytes would reset the connection instead).
            for (int round = 0; round < 20; round++) {
                int padding = LogHttpHandler.DEFAULT_MAX_BODY_BYTES << (round % 5);
                String big = "{\"serviceName\": \"" + "x".repeat(padding) + "\"}";
                HttpResponse<String> response = post(WEB_ID, big);
                assertThat(response.statusCode()).as("%d bytes", big.length()).isEqualTo(413);
                assertErrorBody(response, null);
            }
            assertThat(attacher.requests).isEmpty();
        }

        @Test
        @DisplayName("without an attacher (Docker disabled) is a 503 saying so")
        void noAttacher() {
            LogHttpServer plain = extraServer(LogHttpServer.builder(backend));
            Http plainHttp = new Http(plain.port());
            HttpResponse<String> response = plainHttp.send(plainHttp.request("/api/v1/logs/abc123/attach")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"serviceId\": 1}")).build());
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(Http.json(response).get("error").getAsString()).contains("no container monitor");
            assertThat(plainHttp.send(plainHttp.request("/api/v1/logs/abc123/attach").DELETE().build())
                    .statusCode()).isEqualTo(503);
        }

        @Test
        @DisplayName("an unreachable engine is a 503")
        void engineDown() {
            attacher.engineDown = true;
            HttpResponse<String> response = post(WEB_ID, null);
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(Http.json(response).get("error").getAsString()).contains("Docker engine unreachable");
        }
    }

    @Nested
    @DisplayName("response headers")
    class Headers {

        @Test
        @DisplayName("JSON content type and no-store on every response, errors included")
        void contentTypeAndCaching() {
            for (String path : List.of("/api/v1/logs", "/api/v1/logs/count", "/api/v1/logs?limit=x", "/nope")) {
                HttpResponse<String> response = http.get(path);
                assertThat(response.headers().firstValue("Content-Type")).as(path)
                        .hasValue("application/json; charset=utf-8");
                assertThat(response.headers().firstValue("Cache-Control")).as(path).hasValue("no-store");
                assertThat(response.headers().map().keySet()).as(path)
                        .noneMatch(name -> name.toLowerCase().startsWith("access-control-"));
            }
        }

        @Test
        @DisplayName("gzips a large body when the client accepts gzip, and only then")
        void gzip() throws IOException {
            String plain = http.get("/api/v1/logs").body();
            assertThat(plain.length()).isGreaterThan(LogHttpHandler.DEFAULT_GZIP_MIN_BYTES);

            HttpResponse<byte[]> zipped = http.send(http.request("/api/v1/logs")
                    .header("Accept-Encoding", "br;q=1.0, gzip;q=0.8").GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(zipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
            assertThat(zipped.headers().firstValue("Vary")).hasValue("Accept-Encoding");
            assertThat(zipped.body().length).isLessThan(plain.length());
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(zipped.body()))) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(plain);
            }

            HttpResponse<String> refused = http.get("/api/v1/logs", "Accept-Encoding", "gzip;q=0");
            assertThat(refused.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(refused.body()).isEqualTo(plain);

            HttpResponse<String> tiny = http.get("/api/v1/logs/count", "Accept-Encoding", "gzip");
            assertThat(tiny.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(tiny.body()).isEqualTo("{\"count\":6}");
        }

        @Test
        @DisplayName("CORS headers only when configured; preflight answered")
        void cors() {
            LogHttpServer corsServer = extraServer(LogHttpServer.builder(backend)
                    .corsOrigin("https://ops.example.com").bearerToken("s3cret"));
            Http corsHttp = new Http(corsServer.port());
            HttpResponse<String> preflight = corsHttp.send(corsHttp.request("/api/v1/logs")
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "https://ops.example.com")
                    .header("Access-Control-Request-Method", "GET").build());
            assertThat(preflight.statusCode()).isEqualTo(204);
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://ops.example.com");
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElseThrow())
                    .contains("Authorization");
            HttpResponse<String> get = corsHttp.get("/api/v1/logs/count", "Authorization", "Bearer s3cret");
            assertThat(get.statusCode()).isEqualTo(200);
            assertThat(get.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://ops.example.com");
        }
    }

    @Nested
    @DisplayName("bearer token")
    class Auth {

        Http authHttp;

        @BeforeEach
        void startWithToken() {
            authHttp = new Http(extraServer(LogHttpServer.builder(backend).attacher(attacher)
                    .bearerToken("s3cret-token")).port());
        }

        @ParameterizedTest(name = "[{0}]")
        @DisplayName("every request without the right token is a 401")
        @CsvSource(delimiter = '|', value = {"''", "Bearer", "Bearer wrong", "Bearer s3cret-toke",
            "Bearer s3cret-token2", "Basic czNjcmV0LXRva2Vu", "s3cret-token"})
        void refused(String authorization) {
            for (String path : List.of("/api/v1/logs", "/api/v1/logs/count", "/api/v1/logs/stream", "/nope")) {
                HttpResponse<String> response = authorization.isEmpty()
                        ? authHttp.get(path)
                        : authHttp.get(path, "Authorization", authorization);
                assertThat(response.statusCode()).as(path).isEqualTo(401);
                assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer");
                assertErrorBody(response, null);
            }
            HttpResponse<String> attach = authHttp.send(authHttp.request("/api/v1/logs/" + WEB_ID + "/attach")
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            assertThat(attach.statusCode()).isEqualTo(401);
            assertThat(attacher.requests).isEmpty();
        }

        @Test
        @DisplayName("the right token is accepted (scheme case-insensitive)")
        void accepted() {
            assertThat(ids(authHttp.get("/api/v1/logs?limit=1", "Authorization", "Bearer s3cret-token")))
                    .containsExactly("log-6");
            assertThat(authHttp.get("/api/v1/logs/count", "Authorization", "bearer s3cret-token").statusCode())
                    .isEqualTo(200);
        }
    }

    @Nested
    @DisplayName("mounted on a host's HttpServer")
    class Mounted {

        @Test
        @DisplayName("serves the API below the context path it is mounted on")
        void underContextPath() throws IOException {
            HttpServer host = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            LogHttpHandler handler = LogHttpHandler.builder(backend).attacher(attacher).build();
            host.createContext("/ops", handler);
            host.start();
            try {
                Http hostHttp = new Http(host.getAddress().getPort());
                assertThat(ids(hostHttp.get("/ops/api/v1/logs?level=warn"))).containsExactly("log-4");
                assertThat(hostHttp.get("/ops/api/v1/logs/count").body()).isEqualTo("{\"count\":6}");
                assertThat(hostHttp.send(hostHttp.request("/ops/api/v1/logs/" + WEB_ID + "/attach")
                        .POST(HttpRequest.BodyPublishers.noBody()).build()).statusCode()).isEqualTo(200);
                assertThat(hostHttp.get("/ops/other").statusCode()).isEqualTo(404);
                assertThat(hostHttp.get("/api/v1/logs").statusCode()).isEqualTo(404); // outside the context
            } finally {
                handler.close();
                host.stop(0);
            }
        }
    }

    @Nested
    @DisplayName("server faults")
    class ServerFaults {

        @Test
        @DisplayName("a failing backend is a 500 with a generic message, no stack trace, and the server keeps serving")
        void failingBackend() {
            LogBackend failing = new LogBackend() {
                @Override
                public void initialize() {
                }

                @Override
                public LogMessage log(LogMessage message) {
                    return backend.log(message);
                }

                @Override
                public List<LogMessage> getLogs(io.containerlogging.core.LogQuery query) {
                    throw new IllegalStateException("disk on fire at /secret/path");
                }

                @Override
                public long count() {
                    return backend.count();
                }

                @Override
                public long count(io.containerlogging.core.LogQuery query) {
                    return backend.count(query);
                }

                @Override
                public long cleanup(Duration maxAge) {
                    return 0;
                }

                @Override
                public io.containerlogging.core.LogSubscription subscribe(io.containerlogging.core.LogQuery filter,
                        int bufferSize, io.containerlogging.core.LogSubscriber subscriber) {
                    return backend.subscribe(filter, bufferSize, subscriber);
                }

                @Override
                public int subscriberCount() {
                    return backend.subscriberCount();
                }

                @Override
                public void close() {
                }
            };
            Http failingHttp = new Http(extraServer(LogHttpServer.builder(failing)).port());
            HttpResponse<String> response = failingHttp.get("/api/v1/logs");
            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(response.body()).isEqualTo("{\"error\":\"internal error\"}");
            assertThat(failingHttp.get("/api/v1/logs/count").body()).isEqualTo("{\"count\":6}");
        }
    }

    @Nested
    @DisplayName("lifecycle and configuration")
    class Lifecycle {

        @Test
        @DisplayName("port 0 binds an ephemeral port; close stops serving and its threads, twice is fine")
        void closeStopsEverything() {
            LogHttpServer own = LogHttpServer.builder(backend).port(0).build();
            assertThat(own.port()).isPositive();
            assertThat(own.address().getAddress().isLoopbackAddress()).isTrue();
            Http ownHttp = new Http(own.port());
            assertThat(ownHttp.get("/api/v1/logs/count").statusCode()).isEqualTo(200);
            own.close();
            own.close();
            assertThatThrownBy(() -> new java.net.Socket("127.0.0.1", own.port()).close())
                    .isInstanceOf(ConnectException.class);
            server.close();
            for (AutoCloseable c : toClose) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(Thread.getAllStackTraces().keySet())
                            .noneMatch(t -> t.getName().startsWith("container-logging-http")));
        }

        @Test
        @DisplayName("configureJdkServer sets TCP_NODELAY, the time bounds and no draining for the JDK server")
        void nodelay() {
            // JdkServerSettings called configureJdkServer before any server was created.
            assertThat(System.getProperty("sun.net.httpserver.nodelay")).isEqualTo("true");
            assertThat(System.getProperty("sun.net.httpserver.maxReqTime")).isEqualTo("2");
            assertThat(System.getProperty("sun.net.httpserver.maxRspTime")).isEqualTo("8");
            assertThat(System.getProperty("sun.net.httpserver.drainAmount")).isEqualTo("0");
        }

        @Test
        @DisplayName("a taken port fails at build time")
        void portTaken() throws IOException {
            try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                assertThatThrownBy(() -> LogHttpServer.builder(backend).port(taken.getLocalPort()).build())
                        .isInstanceOf(UncheckedIOException.class)
                        .hasMessageContaining(String.valueOf(taken.getLocalPort()));
            }
        }

        @Test
        @DisplayName("bad settings fail fast with the value in the message")
        void badSettings() {
            assertThatThrownBy(() -> LogHttpServer.builder(null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("backend");
            assertThatThrownBy(() -> LogHttpServer.builder(backend).port(70000))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("70000");
            assertThatThrownBy(() -> LogHttpHandler.builder(backend).maxLimit(0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
            assertThatThrownBy(() -> LogHttpHandler.builder(backend).heartbeatInterval(Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> LogHttpHandler.builder(backend).bearerToken(" "))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> LogHttpHandler.builder(backend).bearerToken("a").bearerToken("b"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("bearerToken");
            assertThatThrownBy(() -> LogHttpHandler.builder(backend).corsOrigin("a b"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a b");
        }
    }

    static JsonObject parse(String json) {
        return JsonParser.parseString(json).getAsJsonObject();
    }
}
