package io.containerlogging.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonWriter;
import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.LogSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bytes of {@code GET /api/v1/logs} on a real server: the same whether the messages were
 * encoded for this request or taken from the cache, the same as gson's {@code JsonWriter} writes,
 * and hostile text escaped either way. Bodies are large enough to be sent in several
 * {@link ResponseBody#SEND_BUFFER_BYTES} writes and, above {@link LogHttpHandler#LARGE_BODY_BYTES},
 * from the stream pool.
 */
@DisplayName("GET /api/v1/logs: the bytes on the wire, cached or not")
@Timeout(60)
class LogsResponseBytesTest {

    /** Text a log line may carry that must not break the JSON, or a page that shows it. */
    static final List<String> HOSTILE = List.of(
            "quote \" backslash \\ slash / done",
            "controls \u0000\u0001\u0007\b\f\n\r\t\u001b[31m\u007f end",
            "</script><script>alert(1)</script>",
            "line\u2028separator\u2029paragraph",
            "lone high \ud800 and lone low \udc00, pair \ud83d\ude00",
            "\"},{\"id\":\"log-1\",\"message\":\"forged\"}",
            "non-ASCII \u00e9\u00df\u4e2d\u6587 \u0900\uffff",
            "\\u0022 not an escape");

    LogBackend backend = TestBackend.create();
    LogHttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        backend.close();
    }

    private void start(LogHttpServer.Builder builder) {
        server = builder.port(0).build();
    }

    private void logMessages(int count) {
        for (int i = 0; i < count; i++) {
            String text = i % 3 == 0 ? HOSTILE.get(i / 3 % HOSTILE.size()) + " #" + i
                    : "GET /api/items/" + i + " 200 " + "x".repeat(i % 700);
            backend.log(LogMessage.builder().message(text).level(LogLevel.values()[i % LogLevel.values().length])
                    .source(LogSource.container("web-" + (i % 4))).serviceId(i % 4).serviceName("web-" + (i % 4))
                    .containerId("c" + (i % 4)).stdErr(i % 5 == 0).timestamp(Instant.ofEpochMilli(1_700_000_000_000L + i))
                    .build());
        }
    }

    private byte[] get(String pathAndQuery) {
        HttpResponse<byte[]> response = new Http(server.port()).send(new Http(server.port()).request(pathAndQuery)
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        return response.body();
    }

    /** {@code {"count":n,"logs":[...]}} through gson's JsonWriter: the reference bytes. */
    static byte[] reference(List<LogMessage> logs) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Writer writer = new OutputStreamWriter(bytes, StandardCharsets.UTF_8)) {
            JsonWriter out = new JsonWriter(writer);
            out.beginObject();
            out.name("count").value(logs.size());
            out.name("logs").beginArray();
            for (LogMessage message : logs) {
                LogJson.write(out, message);
            }
            out.endArray();
            out.endObject();
        }
        return bytes.toByteArray();
    }

    @Test
    @DisplayName("the first answer (encoded now) and the next (from the cache) are byte for byte what JsonWriter writes")
    void cachedAndUncachedAlike() throws IOException {
        logMessages(600);
        start(LogHttpServer.builder(backend));
        for (String query : List.of("limit=100", "limit=400", "limit=400&afterId=log-150", "limit=5&afterId=log-20",
                "limit=600&level=error")) {
            byte[] first = get("/api/v1/logs?" + query);
            byte[] cached = get("/api/v1/logs?" + query);
            assertThat(cached).as(query).isEqualTo(first);
            LogQuery.Builder expected = LogQuery.builder();
            if (query.contains("afterId")) {
                expected.afterId(query.substring(query.indexOf("afterId=") + 8));
            }
            if (query.contains("level")) {
                expected.level(LogLevel.ERROR);
            }
            expected.limit(Integer.parseInt(query.substring(6).split("&")[0]));
            assertThat(first).as(query).isEqualTo(reference(backend.getLogs(expected.build())));
        }
        assertThat(get("/api/v1/logs?limit=400").length).as("sent from the stream pool, in several writes")
                .isGreaterThan(Math.max(LogHttpHandler.LARGE_BODY_BYTES, 2 * ResponseBody.SEND_BUFFER_BYTES));
    }

    @Test
    @DisplayName("hostile text comes back escaped, the same from the cache, and parses to what was logged")
    void hostileTextEscaped() {
        for (String text : HOSTILE) {
            backend.log(LogMessage.system(text, LogLevel.WARN, Instant.ofEpochMilli(5)));
        }
        start(LogHttpServer.builder(backend));
        byte[] first = get("/api/v1/logs");
        byte[] cached = get("/api/v1/logs");
        assertThat(cached).isEqualTo(first);
        String body = new String(first, StandardCharsets.UTF_8);
        assertThat(body.chars().filter(c -> c < 0x20 || c == 0x2028 || c == 0x2029)).as("raw controls, U+2028/9")
                .isEmpty();
        assertThat(body).contains("\\u0000\\u0001\\u0007\\b\\f\\n\\r\\t\\u001b[31m")
                .contains("line\\u2028separator\\u2029paragraph");
        JsonArray logs = JsonParser.parseString(body).getAsJsonObject().getAsJsonArray("logs");
        assertThat(logs).hasSize(HOSTILE.size());
        for (int i = 0; i < HOSTILE.size(); i++) {
            // A lone surrogate cannot be sent as UTF-8: it becomes '?', as the JDK's encoder writes it.
            String expected = HOSTILE.get(i).replace("\ud800", "?").replace("\udc00", "?");
            assertThat(logs.get(i).getAsJsonObject().get("message").getAsString()).isEqualTo(expected);
        }
    }

    @Test
    @DisplayName("a cut response (maxResponseBytes) is the same cached or not, and says where to page on")
    void truncatedAlike() throws IOException {
        logMessages(200);
        start(LogHttpServer.builder(backend).maxResponseBytes(16 * 1024));
        byte[] first = get("/api/v1/logs?limit=200");
        byte[] cached = get("/api/v1/logs?limit=200");
        assertThat(cached).isEqualTo(first);
        assertThat(first.length).isLessThanOrEqualTo(16 * 1024);
        JsonObject body = JsonParser.parseString(new String(first, StandardCharsets.UTF_8)).getAsJsonObject();
        assertThat(body.get("truncated").getAsBoolean()).isTrue();
        int count = body.get("count").getAsInt();
        assertThat(body.get("nextAfterId").getAsString()).isEqualTo(body.getAsJsonArray("logs").get(count - 1)
                .getAsJsonObject().get("id").getAsString());
        List<LogMessage> sent = backend.getLogs(LogQuery.builder().limit(200).build()).subList(0, count);
        String expected = new String(reference(sent), StandardCharsets.UTF_8);
        assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo(expected.substring(0, expected.length() - 2)
                + "],\"truncated\":true,\"nextAfterId\":\"" + sent.get(count - 1).id() + "\"}");
    }

    @Test
    @DisplayName("a message larger than a whole response is cut to an excerpt on every request, though small enough to cache")
    void excerptAlike() {
        backend.log(LogMessage.system("long " + "y".repeat(5000), LogLevel.INFO, Instant.ofEpochMilli(5)));
        start(LogHttpServer.builder(backend).maxResponseBytes(4096)); // budget < the message's 5 KB < cacheable 8 KB
        byte[] first = get("/api/v1/logs");
        byte[] cached = get("/api/v1/logs");
        assertThat(cached).isEqualTo(first);
        assertThat(first.length).isLessThanOrEqualTo(4096);
        JsonObject body = JsonParser.parseString(new String(first, StandardCharsets.UTF_8)).getAsJsonObject();
        assertThat(body.getAsJsonArray("logs").get(0).getAsJsonObject().get("message").getAsString())
                .startsWith("long yyy").contains("characters shown]");
        assertThat(body.get("nextAfterId").getAsString()).isEqualTo("log-1");
    }

    @Test
    @DisplayName("gzip carries the same bytes, from the cache too")
    void gzipAlike() throws IOException {
        logMessages(300);
        start(LogHttpServer.builder(backend));
        byte[] plain = get("/api/v1/logs?limit=300");
        for (int i = 0; i < 2; i++) {
            Http http = new Http(server.port());
            HttpResponse<byte[]> zipped = http.send(http.request("/api/v1/logs?limit=300")
                    .header("Accept-Encoding", "gzip").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(zipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(zipped.body()))) {
                assertThat(in.readAllBytes()).isEqualTo(plain);
            }
        }
    }
}
