package io.containerlogging.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogFields;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.LogSource;
import io.containerlogging.core.LogSubscription;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The filter language ({@code search}, {@code exclude}, {@code regex}, {@code fields}) as every
 * backend must apply it: the part of {@link LogBackendContractTest} that it runs as a nested
 * group, kept in its own file. Every query is checked twice, through {@code getLogs} and through
 * {@code count}, which must agree.
 */
public abstract class FilterLanguageContract {

    private static final Instant START = LogBackendContractTest.START;
    private static final String WEB = "aaa1110000000000000000000000000000000000000000000000000000000001";
    private static final String API = "bbb2220000000000000000000000000000000000000000000000000000000002";

    /** Longer than a keyword index keeps (OpenSearch's ignore_above 8191), ending in a word to find. */
    static final String LONG_LINE = "x".repeat(9_000) + " needle-in-a-long-line";

    /** The backend under test, initialized and empty before each test. */
    protected abstract LogBackend backend();

    private static LogMessage line(String text, String service, LogLevel level, int millis, LogFields fields) {
        return LogMessage.builder().message(text).level(level).source(LogSource.container(service))
                .serviceId(service.equals("web") ? 1 : 2).serviceName(service)
                .containerId(service.equals("web") ? WEB : API).stdErr(level == LogLevel.ERROR)
                .timestamp(START.plusMillis(millis)).fields(fields).build();
    }

    /**
     * <pre>
     * t1 web info  "GET /orders 200 12ms"          status=200 http.method=GET user=ana cached=false
     * t2 api error "Read TIMEOUT after 5s"
     * t3 web error "POST /orders 500 3ms"          status=500 http.method=POST user=Bob
     * t4 web info  "GET /healthz 200 1ms"          status="200" cached=true
     * t5 api warn  "payload (a+)+$ [x] .* ${jndi:ldap://h} \d|"
     * t6 api info  "Timeout waiting for lock"      took=1.5
     * t7 web debug "Fichier ÉCRIT"
     * t8 api error "Exception in thread main\n\tat Foo.bar(Foo.java:1)"
     * t9 web info  LONG_LINE (9 022 characters)
     * </pre>
     */
    @BeforeEach
    void logFilterFixture() {
        LogBackend backend = backend();
        backend.log(line("GET /orders 200 12ms", "web", LogLevel.INFO, 0, LogFields.builder()
                .put("status", 200L).put("http.method", "GET").put("user", "ana").put("cached", false).build()));
        backend.log(line("Read TIMEOUT after 5s", "api", LogLevel.ERROR, 1, LogFields.empty()));
        backend.log(line("POST /orders 500 3ms", "web", LogLevel.ERROR, 2, LogFields.builder()
                .put("status", 500L).put("http.method", "POST").put("user", "Bob").build()));
        backend.log(line("GET /healthz 200 1ms", "web", LogLevel.INFO, 3, LogFields.builder()
                .put("status", "200").put("cached", true).build()));
        backend.log(line("payload (a+)+$ [x] .* ${jndi:ldap://h} \\d|", "api", LogLevel.WARN, 4, LogFields.empty()));
        backend.log(line("Timeout waiting for lock", "api", LogLevel.INFO, 5, LogFields.builder()
                .put("took", new java.math.BigDecimal("1.5")).build()));
        backend.log(line("Fichier ÉCRIT", "web", LogLevel.DEBUG, 6, LogFields.empty()));
        backend.log(line("Exception in thread main\n\tat Foo.bar(Foo.java:1)", "api", LogLevel.ERROR, 7,
                LogFields.empty()));
        backend.log(line(LONG_LINE, "web", LogLevel.INFO, 8, LogFields.empty()));
    }

    private static final List<String> NAMES = List.of("t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9");

    /** The fixture names (t1...t9) of the messages {@code query} returns; count must agree (it ignores the limit). */
    private List<String> find(LogQuery.Builder query) {
        LogBackend backend = backend();
        backend.flush();
        List<LogMessage> found = backend.getLogs(query.build());
        List<String> names = found.stream().map(FilterLanguageContract::name).collect(Collectors.toList());
        long unlimited = query.build().limit() == null ? names.size() : backend.getLogs(query.build().withoutLimit()).size();
        assertThat(backend.count(query.build())).as("count(%s)", query.build()).isEqualTo(unlimited);
        return names;
    }

    private static String name(LogMessage message) {
        String text = message.message();
        String[] starts = {"GET /orders", "Read TIMEOUT", "POST /orders", "GET /healthz", "payload",
            "Timeout waiting", "Fichier", "Exception", "xxx"};
        for (int i = 0; i < starts.length; i++) {
            if (text.startsWith(starts[i])) {
                return NAMES.get(i);
            }
        }
        return text;
    }

    private static LogQuery.Builder query() {
        return LogQuery.builder();
    }

    @Test
    @DisplayName("search: smart case, ignoring case for a lower-case text, exact with an upper-case letter")
    void searchSmartCase() {
        assertThat(find(query().search("timeout"))).containsExactly("t2", "t6");
        assertThat(find(query().search("Timeout"))).containsExactly("t6");
        assertThat(find(query().search("TIMEOUT"))).containsExactly("t2");
        assertThat(find(query().search("get /"))).containsExactly("t1", "t4");
        assertThat(find(query().search("écrit"))).containsExactly("t7");
        assertThat(find(query().search("nowhere"))).isEmpty();
    }

    @Test
    @DisplayName("search: repeated texts must all appear")
    void searchRepeated() {
        assertThat(find(query().search("orders").search("500"))).containsExactly("t3");
        assertThat(find(query().search("get").search("200"))).containsExactly("t1", "t4");
        assertThat(find(query().search("get").search("500"))).isEmpty();
    }

    @Test
    @DisplayName("search: regex metacharacters in a text, and in a line, are plain characters")
    void searchMetacharacters() {
        assertThat(find(query().search("(a+)+$ [x] .*"))).containsExactly("t5");
        assertThat(find(query().search("${jndi:"))).containsExactly("t5");
        assertThat(find(query().search("\\d|"))).containsExactly("t5");
        assertThat(find(query().search("*"))).containsExactly("t5");
        assertThat(find(query().search("?"))).isEmpty();
        assertThat(find(query().search("o.ders"))).isEmpty();
    }

    @Test
    @DisplayName("search and exclude reach past what a keyword index keeps (a 9 000-character line)")
    void longLines() {
        assertThat(find(query().search("needle-in-a-long"))).containsExactly("t9");
        assertThat(find(query().search("NEEDLE"))).isEmpty();
        assertThat(find(query().exclude("needle").serviceName("web"))).containsExactly("t1", "t3", "t4", "t7");
        assertThat(find(query().regex("x{100} needle-in-a-\\w+-line$"))).containsExactly("t9");
    }

    @Test
    @DisplayName("exclude: no text may appear, with the same smart case")
    void exclude() {
        assertThat(find(query().exclude("orders").exclude("x")))
                .containsExactly("t2", "t4", "t6", "t7");
        assertThat(find(query().exclude("Timeout").serviceName("api"))).containsExactly("t2", "t5", "t8");
        assertThat(find(query().exclude("timeout").serviceName("api"))).containsExactly("t5", "t8");
        assertThat(find(query().search("get").exclude("health"))).containsExactly("t1");
    }

    @Test
    @DisplayName("regex: RE2 syntax, unanchored, case-sensitive unless (?i), all must match")
    void regex() {
        assertThat(find(query().regex("^(GET|POST) /orders"))).containsExactly("t1", "t3");
        assertThat(find(query().regex("\\d{3} \\d+ms$"))).containsExactly("t1", "t3", "t4");
        assertThat(find(query().regex("timeout"))).isEmpty();
        assertThat(find(query().regex("(?i)^read timeout"))).containsExactly("t2");
        assertThat(find(query().regex("[[:digit:]]{3}").regex("^GET"))).containsExactly("t1", "t4");
        assertThat(find(query().regex("\\bFoo\\.bar\\b"))).containsExactly("t8");
        assertThat(find(query().regex("o.ders"))).containsExactly("t1", "t3");
        assertThat(find(query().regex("É"))).containsExactly("t7");
    }

    @Test
    @DisplayName("regex: special characters escaped in the pattern match a line full of them")
    void regexSpecialCharacters() {
        assertThat(find(query().regex("\\(a\\+\\)\\+\\$ \\[x\\] \\.\\*"))).containsExactly("t5");
        assertThat(find(query().regex("\\$\\{jndi:[a-z]+://"))).containsExactly("t5");
        assertThat(find(query().regex("\\\\d\\|$"))).containsExactly("t5");
        assertThat(find(query().regex("(a+)+$"))).isEmpty(); // a pattern, not the text "(a+)+$"
        assertThat(find(query().regex("\"|#|@|~|<|>|&"))).isEmpty(); // Lucene operators, plain in RE2
    }

    @Test
    @DisplayName("regex: dot stops at a newline unless (?s); (?m) anchors at each line")
    void regexMultiline() {
        assertThat(find(query().regex("main.\\tat"))).isEmpty();
        assertThat(find(query().regex("(?s)main.\\tat"))).containsExactly("t8");
        assertThat(find(query().regex("(?m)^\\tat Foo"))).containsExactly("t8");
        assertThat(find(query().regex("^\\tat Foo"))).isEmpty();
        assertThat(find(query().regex("main$"))).isEmpty();
    }

    @Test
    @DisplayName("fields: exact matches on strings, numbers, booleans and nested paths, all must hold")
    void fields() {
        assertThat(find(query().field("status", "200"))).containsExactly("t1", "t4");
        assertThat(find(query().field("status", "500"))).containsExactly("t3");
        assertThat(find(query().field("status", "50"))).isEmpty();
        assertThat(find(query().field("http.method", "POST"))).containsExactly("t3");
        assertThat(find(query().field("cached", "false"))).containsExactly("t1");
        assertThat(find(query().field("cached", "true"))).containsExactly("t4");
        assertThat(find(query().field("user", "ana"))).containsExactly("t1");
        assertThat(find(query().field("user", "Ana"))).isEmpty();
        assertThat(find(query().field("user", "bob"))).isEmpty();
        assertThat(find(query().field("took", "1.5"))).containsExactly("t6");
        assertThat(find(query().field("status", "200").field("cached", "true"))).containsExactly("t4");
        assertThat(find(query().field("nothing", "200"))).isEmpty();
    }

    @Test
    @DisplayName("every filter combines with the existing criteria (AND)")
    void combined() {
        assertThat(find(query().serviceName("web").search("orders"))).containsExactly("t1", "t3");
        assertThat(find(query().level(LogLevel.ERROR).regex("\\d{3}"))).containsExactly("t3");
        assertThat(find(query().containerId("bbb").exclude("timeout"))).containsExactly("t5", "t8");
        assertThat(find(query().since(START.plusMillis(2)).until(START.plusMillis(6)).search("o")))
                .containsExactly("t3", "t5", "t6");
        assertThat(find(query().field("status", "200").search("orders").regex("ms$").level(LogLevel.INFO)))
                .containsExactly("t1");
        assertThat(find(query().field("status", "200").serviceName("api"))).isEmpty();
    }

    @Test
    @DisplayName("limit and afterId apply to the filtered messages")
    void limitAndPaging() {
        LogBackend backend = backend();
        backend.flush();
        List<LogMessage> all = backend.getLogs(LogQuery.all());
        // "o" is in t1 t2 t3 t5 t6 t8 t9
        assertThat(find(query().search("o").limit(2))).containsExactly("t8", "t9");
        assertThat(find(query().search("o").afterId(all.get(2).id()))).containsExactly("t5", "t6", "t8", "t9");
        assertThat(find(query().search("o").afterId(all.get(0).id()).limit(2))).containsExactly("t2", "t3");
        // count ignores the limit
        assertThat(backend.count(query().search("o").limit(1).build())).isEqualTo(7);
    }

    @Test
    @Timeout(20)
    @DisplayName("subscriptions deliver only what the filters let through")
    void subscriptions() {
        LogBackend backend = backend();
        backend.flush(); // the fixture is stored before the subscription (a backend may serve only what is durable)
        List<LogMessage> received = new CopyOnWriteArrayList<>();
        LogQuery filter = query().search("orders").exclude("post").regex("\\d+ms$").field("status", "200").build();
        try (LogSubscription subscription = backend.subscribe(filter, received::add)) {
            List<LogMessage> expected = new ArrayList<>();
            expected.add(backend.log(line("GET /orders 200 1ms", "web", LogLevel.INFO, 10,
                    LogFields.builder().put("status", 200L).build())));
            backend.log(line("POST /orders 200 1ms", "web", LogLevel.INFO, 11,
                    LogFields.builder().put("status", 200L).build()));
            backend.log(line("GET /orders 500 1ms", "web", LogLevel.INFO, 12,
                    LogFields.builder().put("status", 500L).build()));
            backend.log(line("GET /orders 200 slow", "web", LogLevel.INFO, 13,
                    LogFields.builder().put("status", 200L).build()));
            expected.add(backend.log(line("GET /ORDERS 200 2ms", "web", LogLevel.INFO, 14,
                    LogFields.builder().put("status", "200").build())));
            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() >= expected.size());
            assertThat(received).containsExactlyElementsOf(expected);
            assertThat(subscription.dropped()).isZero();
        }
    }
}
