package io.containerlogging.http;

import static io.containerlogging.http.LogHttpServerTest.assertErrorBody;
import static io.containerlogging.http.LogHttpServerTest.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogFields;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("The filter language over HTTP: search, exclude, regex, field.<path>")
@Timeout(30)
class FilterLanguageHttpTest {

    LogBackend backend;
    LogHttpServer server;
    Http http;

    @BeforeEach
    void start() {
        backend = TestBackend.create();
        server = LogHttpServer.builder(backend).port(0).heartbeatInterval(java.time.Duration.ofMillis(50)).build();
        http = new Http(server.port());
        log("GET /orders 200 12ms", LogFields.builder().put("status", 200L).put("http.method", "GET").build());
        log("Read TIMEOUT after 5s", LogFields.empty());
        log("POST /orders 500 3ms", LogFields.builder().put("status", 500L).put("http.method", "POST").build());
        log("GET /healthz 200 1ms", LogFields.builder().put("status", "200").put("ok", true).build());
        log("payload (a+)+$ [x] ${jndi:x}", LogFields.empty());
    }

    void log(String text, LogFields fields) {
        backend.log(LogMessage.system(text, LogLevel.INFO, Instant.ofEpochMilli(1000)).toBuilder()
                .fields(fields).build());
    }

    @AfterEach
    void stop() {
        server.close();
        backend.close();
    }

    static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @DisplayName("GET /api/v1/logs and /count filter alike")
    @CsvSource(delimiter = '|', value = {
        "search=timeout                        | log-2",
        "search=Timeout                        | ''",
        "search=get&search=200                 | log-1,log-4",
        "search=get&exclude=health             | log-1",
        "exclude=ORDERS                        | log-1,log-2,log-3,log-4,log-5",
        "exclude=orders&exclude=payload        | log-2,log-4",
        "regex=%5E(GET%7CPOST)%20%2Forders     | log-1,log-3",
        "regex=%5Cd%2Bms&regex=5%5Cd%5Cd       | log-3",
        "regex=%5C(a%5C%2B%5C)%5C%2B%5C%24     | log-5",
        "regex=(%3Fi)timeout                   | log-2",
        "field.status=200                      | log-1,log-4",
        "field.status=500&field.http.method=POST | log-3",
        "field.ok=true                         | log-4",
        "field.http.method=GET&search=orders   | log-1",
        "field.status=200&exclude=health&afterId=log-1 | ''",
    })
    void filters(String query, String expected) {
        String encoded = query.replace("$", "%24");
        java.util.List<String> want = expected.isEmpty() ? java.util.List.of() : java.util.List.of(expected.split(","));
        assertThat(ids(http.get("/api/v1/logs?" + encoded))).as(query).containsExactlyElementsOf(want);
        HttpResponse<String> count = http.get("/api/v1/logs/count?" + encoded);
        assertThat(count.statusCode()).isEqualTo(200);
        assertThat(Http.json(count).get("count").getAsLong()).as(query).isEqualTo(want.size());
    }

    @Test
    @DisplayName("a line full of regex metacharacters is found by search as plain text")
    void metacharactersAsText() {
        assertThat(ids(http.get("/api/v1/logs?search=" + q("(a+)+$ [x] ${jndi")))).containsExactly("log-5");
    }

    @Test
    @DisplayName("the stream applies the filters to live logs")
    void stream() throws Exception {
        try (SseClient client = SseClient.open(server.port(),
                "/api/v1/logs/stream?search=orders&exclude=post&field.status=200", Map.of())) {
            await().until(() -> backend.subscriberCount() == 1);
            log("GET /orders 200 1ms", LogFields.builder().put("status", 200L).build());
            log("POST /orders 200 1ms", LogFields.builder().put("status", 200L).build());
            log("GET /orders 500 1ms", LogFields.builder().put("status", 500L).build());
            log("GET /ORDERS 200 2ms", LogFields.builder().put("status", "200").build());
            await().until(() -> client.logIds().size() >= 2);
            assertThat(client.logIds()).containsExactly("log-6", "log-9");
        }
    }

    @ParameterizedTest(name = "{0}")
    @DisplayName("a bad filter is a 400 naming the parameter")
    @CsvSource(delimiter = '|', value = {
        "/api/v1/logs?regex=(                  | regex",
        "/api/v1/logs?regex=a%29               | regex",
        "/api/v1/logs/count?regex=(%3F%3D.)x   | regex",
        "/api/v1/logs/stream?regex=(a)%5C1     | regex",
        "/api/v1/logs?regex=(x%7B1000%7D)%7B1000%7D | regex",
        "/api/v1/logs?search=                  | search",
        "/api/v1/logs?exclude=                 | exclude",
        "/api/v1/logs?field.=1                 | field.",
        "/api/v1/logs?field.status=            | field.status",
        "/api/v1/logs?field.status=1&field.status=2 | field.status",
        "/api/v1/logs?fields.status=1          | fields.status",
    })
    void badFilters(String pathAndQuery, String parameter) {
        HttpResponse<String> response = http.get(pathAndQuery);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertErrorBody(response, parameter);
    }

    @Test
    @DisplayName("the 400 for an unsupported pattern says why")
    void unsupportedPatternSaysWhy() {
        HttpResponse<String> response = http.get("/api/v1/logs?regex=" + q("(a)\\1"));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Http.json(response).get("error").getAsString())
                .isEqualTo("invalid or unsupported regex '(a)\\1' (RE2 syntax): error parsing regexp: invalid escape"
                        + " sequence: `\\1`");
        HttpResponse<String> huge = http.get("/api/v1/logs?regex=" + q("(x{1000}){1000}"));
        assertThat(Http.json(huge).get("error").getAsString())
                .isEqualTo("invalid or unsupported regex '(x{1000}){1000}' (RE2 syntax): repeats too much: nested"
                        + " repetition counts multiply to more than 1000 (as RE2 refuses)");
    }

    @Test
    @DisplayName("the number and length of filters are bounded")
    void bounded() {
        StringBuilder many = new StringBuilder("/api/v1/logs?");
        for (int i = 0; i <= TextFilterParameters.MAX_TEXT_FILTERS; i++) {
            many.append("search=a").append(i).append('&');
        }
        HttpResponse<String> tooMany = http.get(many.toString());
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertErrorBody(tooMany, "search");

        String longText = "a".repeat(TextFilterParameters.MAX_TEXT_FILTER_CHARS + 1);
        for (String parameter : new String[] {"search", "exclude", "regex"}) {
            HttpResponse<String> tooLong = http.get("/api/v1/logs/count?" + parameter + "=" + longText);
            assertThat(tooLong.statusCode()).isEqualTo(400);
            assertErrorBody(tooLong, parameter);
            assertThat(tooLong.body().length()).isLessThan(400); // the value is not echoed whole
        }
        HttpResponse<String> longField = http.get("/api/v1/logs?field.status=" + longText);
        assertThat(longField.statusCode()).isEqualTo(400);
        assertErrorBody(longField, "field.status");
        HttpResponse<String> atTheLimit = http.get("/api/v1/logs/count?search=" + longText.substring(1));
        assertThat(atTheLimit.statusCode()).isEqualTo(200);
    }
}
