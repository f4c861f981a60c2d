package io.containerlogging.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("GET /api/v1/logs/stream: live Server-Sent Events")
@Timeout(30)
class LogStreamTest {

    static final Duration HEARTBEAT = Duration.ofMillis(50);

    LogBackend backend;
    LogHttpServer server;
    final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void start() {
        backend = TestBackend.create();
        server = LogHttpServer.builder(backend).port(0).heartbeatInterval(HEARTBEAT).build();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        server.close();
        backend.close();
    }

    LogMessage write(String text, LogLevel level) {
        return backend.log(LogMessage.system(text, level, Instant.now()));
    }

    void writeN(int n) {
        for (int i = 0; i < n; i++) {
            write("message " + i, LogLevel.INFO);
        }
    }

    SseClient open(String pathAndQuery) throws Exception {
        return open(pathAndQuery, Map.of());
    }

    SseClient open(String pathAndQuery, Map<String, String> headers) throws Exception {
        SseClient client = SseClient.open(server.port(), pathAndQuery, headers);
        toClose.add(client);
        await().until(() -> client.status != 0 || client.ended.get());
        return client;
    }

    static List<String> ids(long fromInclusive, long toInclusive) {
        return LongStream.rangeClosed(fromInclusive, toInclusive).mapToObj(i -> "log-" + i)
                .collect(Collectors.toList());
    }

    @Test
    @DisplayName("sends each new log as an event with id and the log's JSON as data")
    void liveEvents() throws Exception {
        SseClient client = open("/api/v1/logs/stream");
        assertThat(client.status).isEqualTo(200);
        assertThat(client.headers.get("content-type")).isEqualTo("text/event-stream; charset=utf-8");
        assertThat(client.headers.get("cache-control")).isEqualTo("no-store");
        await().until(() -> backend.subscriberCount() == 1);
        LogMessage first = write("first\nwith a newline", LogLevel.INFO);
        LogMessage second = write("second", LogLevel.ERROR);
        await().until(() -> client.events.size() == 2);
        assertThat(client.events).containsExactly(
                new SseClient.Event("log-1", null, LogJson.toJson(first)),
                new SseClient.Event("log-2", null, LogJson.toJson(second)));
    }

    @Test
    @DisplayName("applies the same filters as GET /api/v1/logs, level and sourceType repeatable")
    void filters() throws Exception {
        SseClient client = open("/api/v1/logs/stream?level=error&level=warn&sourceType=system");
        await().until(() -> backend.subscriberCount() == 1);
        write("a", LogLevel.INFO);
        write("b", LogLevel.ERROR);
        write("c", LogLevel.DEBUG);
        write("d", LogLevel.WARN);
        backend.log(LogMessage.manager("e", LogLevel.ERROR, Instant.now()));
        write("f", LogLevel.ERROR);
        await().until(() -> client.logIds().size() == 3);
        assertThat(client.logIds()).containsExactly("log-2", "log-4", "log-6");
    }

    @Test
    @DisplayName("tail=N replays the newest N matching logs first, then continues live")
    void tail() throws Exception {
        writeN(5);
        write("err", LogLevel.ERROR); // log-6
        writeN(2);
        SseClient all = open("/api/v1/logs/stream?tail=3");
        SseClient errors = open("/api/v1/logs/stream?tail=3&level=error");
        await().until(() -> all.logIds().size() == 3 && errors.logIds().size() == 1);
        assertThat(all.logIds()).containsExactly("log-6", "log-7", "log-8");
        assertThat(errors.logIds()).containsExactly("log-6");
        write("err2", LogLevel.ERROR); // log-9
        await().until(() -> all.logIds().size() == 4 && errors.logIds().size() == 2);
        assertThat(all.logIds()).containsExactly("log-6", "log-7", "log-8", "log-9");
        assertThat(errors.logIds()).containsExactly("log-6", "log-9");
    }

    @Test
    @DisplayName("Last-Event-ID resumes right after that id, then continues live; afterId does the same")
    void lastEventId() throws Exception {
        writeN(6);
        SseClient resumed = open("/api/v1/logs/stream", Map.of("Last-Event-ID", "log-3"));
        SseClient byParameter = open("/api/v1/logs/stream?afterId=log-4");
        SseClient both = open("/api/v1/logs/stream?afterId=log-1&tail=1", Map.of("Last-Event-ID", "log-5"));
        await().until(() -> resumed.logIds().size() == 3 && byParameter.logIds().size() == 2
                && both.logIds().size() == 1);
        writeN(1);
        await().until(() -> resumed.logIds().size() == 4);
        assertThat(resumed.logIds()).containsExactly("log-4", "log-5", "log-6", "log-7");
        await().until(() -> byParameter.logIds().size() == 3 && both.logIds().size() == 2);
        assertThat(byParameter.logIds()).containsExactly("log-5", "log-6", "log-7");
        assertThat(both.logIds()).containsExactly("log-6", "log-7");
    }

    @Test
    @DisplayName("a malformed Last-Event-ID is a 400 naming it")
    void badLastEventId() {
        Http http = new Http(server.port());
        HttpResponse<String> response = http.get("/api/v1/logs/stream", "Last-Event-ID", "42");
        assertThat(response.statusCode()).isEqualTo(400);
        LogHttpServerTest.assertErrorBody(response, "Last-Event-ID");
        assertThat(backend.subscriberCount()).isZero();
    }

    @Test
    @DisplayName("replay and live join without gap or repeat while logs are being written")
    void gapFreeWhileWriting() throws Exception {
        int total = 3000;
        Thread writer = new Thread(() -> writeN(total), "test-writer");
        writer.start();
        await().until(() -> backend.count() >= 200);
        SseClient resumed = open("/api/v1/logs/stream", Map.of("Last-Event-ID", "log-100"));
        SseClient tailed = open("/api/v1/logs/stream?tail=10000");
        writer.join();
        await().until(() -> resumed.logIds().size() >= total - 100 && tailed.logIds().size() >= total);
        assertThat(resumed.logIds()).containsExactlyElementsOf(ids(101, total));
        assertThat(tailed.logIds()).containsExactlyElementsOf(ids(1, total));
    }

    @Test
    @DisplayName("a client that disconnects is unsubscribed and its stream closed")
    void disconnectCleanup() throws Exception {
        SseClient first = open("/api/v1/logs/stream");
        SseClient second = open("/api/v1/logs/stream?level=error");
        await().until(() -> backend.subscriberCount() == 2);
        first.close();
        // No message is written: the heartbeat alone finds out.
        await().atMost(Duration.ofSeconds(5)).until(() -> backend.subscriberCount() == 1);
        second.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> backend.subscriberCount() == 0);
        assertThat(server.address()).isNotNull();
        // A new stream still works afterwards.
        SseClient third = open("/api/v1/logs/stream");
        await().until(() -> backend.subscriberCount() == 1);
        write("after", LogLevel.INFO);
        await().until(() -> third.logIds().size() == 1);
    }

    @Test
    @DisplayName("java.net.http.HttpClient can read the stream line by line, and cancelling it unsubscribes")
    void httpClient() throws Exception {
        writeN(2);
        Http http = new Http(server.port());
        HttpResponse<InputStream> response = http.send(http.request("/api/v1/logs/stream?tail=2")
                .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> idLines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); idLines.size() < 2; line = reader.readLine()) {
                if (line.startsWith("id: ")) {
                    idLines.add(line);
                }
            }
        }
        assertThat(idLines).containsExactly("id: log-1", "id: log-2");
        await().atMost(Duration.ofSeconds(5)).until(() -> backend.subscriberCount() == 0);
    }

    @Test
    @DisplayName("sends a heartbeat comment while idle")
    void heartbeat() throws Exception {
        SseClient client = open("/api/v1/logs/stream");
        int before = client.comments.get();
        await().until(() -> client.comments.get() >= before + 3);
        assertThat(client.events).isEmpty();
    }

    @Test
    @DisplayName("a slow client misses logs past its buffer, is told how many, and never slows ingestion")
    void slowClient() throws Exception {
        LogHttpServer small = LogHttpServer.builder(backend).port(0).streamBufferSize(16)
                .heartbeatInterval(HEARTBEAT).build();
        toClose.add(small);
        // Tiny receive buffer, and nobody reading: the server's writes soon block.
        SseClient slow = new SseClient(small.port(), "/api/v1/logs/stream", Map.of(), 4096);
        toClose.add(slow);
        await().until(() -> backend.subscriberCount() == 1);
        int total = 4000;
        String big = "x".repeat(2000);
        for (int i = 0; i < total; i++) {
            write(big + i, LogLevel.INFO); // returns at once even though the client reads nothing
        }
        assertThat(backend.count()).isEqualTo(total);
        slow.startReading();
        await().atMost(Duration.ofSeconds(15)).until(() ->
                slow.logIds().size() + dropped(slow) == total);
        assertThat(dropped(slow)).isPositive();
        List<Long> sequences = slow.logIds().stream().map(id -> Long.parseLong(id.substring(4))).toList();
        assertThat(sequences).isSorted().doesNotHaveDuplicates();
        assertThat(sequences.get(0)).isEqualTo(1); // what was queued before the client stalled
    }

    static long dropped(SseClient client) {
        return client.named("dropped").stream()
                .mapToLong(e -> LogHttpServerTest.parse(e.data()).get("dropped").getAsLong()).sum();
    }

    @Test
    @DisplayName("open streams hold no request thread: a one-thread server still answers")
    void streamsHoldNoThread() throws Exception {
        LogHttpServer single = LogHttpServer.builder(backend).port(0).threads(1).build();
        toClose.add(single);
        List<SseClient> clients = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            SseClient client = SseClient.open(single.port(), "/api/v1/logs/stream", Map.of());
            toClose.add(client);
            clients.add(client);
        }
        await().until(() -> backend.subscriberCount() == 5);
        assertThat(new Http(single.port()).get("/api/v1/logs/count").body()).isEqualTo("{\"count\":0}");
        write("to all", LogLevel.INFO);
        await().until(() -> clients.stream().allMatch(c -> c.logIds().size() == 1));
    }

    @Test
    @DisplayName("beyond maxStreams a stream is refused with 503")
    void maxStreams() throws Exception {
        LogHttpServer limited = LogHttpServer.builder(backend).port(0).maxStreams(1).build();
        toClose.add(limited);
        SseClient first = SseClient.open(limited.port(), "/api/v1/logs/stream", Map.of());
        toClose.add(first);
        await().until(() -> backend.subscriberCount() == 1);
        HttpResponse<String> refused = new Http(limited.port()).get("/api/v1/logs/stream");
        assertThat(refused.statusCode()).isEqualTo(503);
        LogHttpServerTest.assertErrorBody(refused, null);
        assertThat(backend.subscriberCount()).isEqualTo(1);
    }

    @Test
    @DisplayName("closing the server ends open streams and unsubscribes them")
    void closeEndsStreams() throws Exception {
        SseClient client = open("/api/v1/logs/stream");
        await().until(() -> backend.subscriberCount() == 1);
        server.close();
        assertThat(backend.subscriberCount()).isZero();
        await().until(() -> client.ended.get());
    }

    @Test
    @DisplayName("closing the backend ends open streams; new ones get 503")
    void backendClosed() throws Exception {
        SseClient client = open("/api/v1/logs/stream");
        await().until(() -> backend.subscriberCount() == 1);
        backend.close();
        await().until(() -> client.ended.get());
        HttpResponse<String> refused = new Http(server.port()).get("/api/v1/logs/stream");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(new Http(server.port()).get("/api/v1/logs/count").statusCode()).isEqualTo(200);
    }
}
