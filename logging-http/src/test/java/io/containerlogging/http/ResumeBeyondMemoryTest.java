package io.containerlogging.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.local.LocalLogBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression: a stream resumed with {@code Last-Event-ID} further back than the local backend's
 * memory ({@code maxLogs}) used to miss the evicted lines, although they were still in the files;
 * and a backlog larger than the history budget used to keep only its newest part.
 */
@DisplayName("GET /api/v1/logs/stream resumed further back than the memory: every stored line once, then live")
@Timeout(60)
class ResumeBeyondMemoryTest {

    private static final int LINES = 5_000;
    private static final Instant T0 = Instant.now().minusSeconds(600);

    @TempDir
    Path dir;

    RecordingBackend backend;
    LogHttpServer server;
    final List<AutoCloseable> toClose = new ArrayList<>();
    /** The ids the backend gave line i (index i - 1). */
    final List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void fill() throws Exception {
        LocalLogBackend local = LocalLogBackend.builder().enableFilePersistence(true).logDir(dir).maxLogs(100)
                .maxFileSize(64 * 1024).flushInterval(Duration.ofMillis(20)).build();
        local.initialize();
        backend = new RecordingBackend(local);
        for (int i = 1; i <= LINES; i++) {
            ids.add(write(i).id());
        }
        backend.flush();
        assertThat(local.getLogs(LogQuery.all())).as("the memory holds only the newest 100").hasSize(100);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
        backend.close();
    }

    /** Line i: service web for even i, level error for multiples of 3, "needle" in multiples of 7. */
    private LogMessage write(int i) {
        return backend.log(LogMessage.builder().message("line-" + i + (i % 7 == 0 ? " needle" : ""))
                .timestamp(T0.plusMillis(i)).level(i % 3 == 0 ? LogLevel.ERROR : LogLevel.INFO)
                .serviceName(i % 2 == 0 ? "web" : "db").build());
    }

    private void start(LogHttpServer.Builder builder) {
        server = builder.port(0).build();
    }

    private FollowingSseClient follow(String pathAndQuery, String lastEventId) {
        FollowingSseClient client = new FollowingSseClient(server.port(), pathAndQuery, lastEventId);
        toClose.add(client);
        return client;
    }

    /** The ids of lines {@code from..to} (inclusive) that {@code matches} selects. */
    private List<String> idsOf(int from, int to, IntPredicate matches) {
        return IntStream.rangeClosed(from, to).filter(matches).mapToObj(i -> ids.get(i - 1))
                .collect(Collectors.toList());
    }

    /** Writes lines {@code from..to} now, live, and returns their ids. */
    private void writeLive(int from, int to) {
        for (int i = from; i <= to; i++) {
            ids.add(write(i).id());
        }
    }

    @Test
    @DisplayName("4 000 lines back behind a 100-line memory: every line after the id once, in order, in pages, then live")
    void everyLineOnceThenLive() throws Exception {
        start(LogHttpServer.builder(backend));
        FollowingSseClient client = follow("/api/v1/logs/stream", ids.get(999));
        await().until(() -> client.logIds().size() >= LINES - 1_000);
        writeLive(LINES + 1, LINES + 50);
        await().until(() -> client.logIds().size() >= LINES + 50 - 1_000);
        assertThat(client.logIds()).containsExactlyElementsOf(idsOf(1_001, LINES + 50, i -> true));
        assertThat(client.logData().get(0)).contains("\"message\":\"line-1001 ");
        assertThat(client.connections()).as("the backlog fits the default history budget").isEqualTo(1);
        assertThat(client.named("continue")).isEmpty();

        // Bounded memory: history was read in pages of the page size, never as one list.
        List<RecordingBackend.Read> reads = backend.reads;
        assertThat(reads).isNotEmpty().allSatisfy(read -> {
            assertThat(read.query().limit()).isEqualTo(StreamPlan.RESUME_PAGE_SIZE);
            assertThat(read.query().afterId()).isNotNull();
            assertThat(read.returned()).isLessThanOrEqualTo(StreamPlan.RESUME_PAGE_SIZE);
        });
        // 15 full pages, one of 160, and the empty one that says the replay caught up.
        assertThat(reads).hasSize((LINES - 1_000) / StreamPlan.RESUME_PAGE_SIZE + 2);
    }

    @Test
    @DisplayName("a backlog larger than the history budget ends with a continue event and goes on over reconnects")
    void pagedByReconnection() throws Exception {
        start(LogHttpServer.builder(backend).maxResponseBytes(16 * 1024));
        FollowingSseClient client = follow("/api/v1/logs/stream", ids.get(0));
        await().until(() -> client.logIds().size() >= LINES - 1);
        writeLive(LINES + 1, LINES + 20);
        await().until(() -> client.logIds().size() >= LINES + 19);
        assertThat(client.logIds()).containsExactlyElementsOf(idsOf(2, LINES + 20, i -> true));

        List<SseClient.Event> continues = client.named("continue");
        assertThat(client.connections()).as("paged over several connections").isGreaterThan(10);
        // Every connection but the last (live, still open) ended with a continue event.
        assertThat(continues).hasSize(client.connections() - 1).allSatisfy(event -> {
            JsonObject data = LogHttpServerTest.parse(event.data());
            assertThat(data.get("reason").getAsString()).isEqualTo("history");
        });
        // Each names the last event written before it: where the reconnect goes on.
        List<String> lastIds = new ArrayList<>();
        String last = null;
        for (SseClient.Event event : client.events()) {
            if (event.event() == null) {
                last = event.id();
            } else if (event.event().equals("continue")) {
                lastIds.add(last);
            }
        }
        assertThat(continues.stream().map(e -> LogHttpServerTest.parse(e.data()).get("lastEventId").getAsString()))
                .containsExactlyElementsOf(lastIds);
    }

    @Test
    @DisplayName("filters (serviceName, level, search) apply to the evicted lines of a resume, across reconnects")
    void filtersOverEvictedLines() throws Exception {
        start(LogHttpServer.builder(backend).maxResponseBytes(4096));
        IntPredicate matches = i -> i % 2 == 0 && i % 3 == 0 && i % 7 == 0;
        FollowingSseClient client = follow("/api/v1/logs/stream?serviceName=web&level=error&search=needle",
                ids.get(9));
        List<String> expected = idsOf(11, LINES, matches);
        await().until(() -> client.logIds().size() >= expected.size());
        writeLive(LINES + 1, LINES + 84); // two more matching: 5 040 and 5 082
        await().until(() -> client.logIds().size() >= expected.size() + 2);
        assertThat(client.logIds()).containsExactlyElementsOf(idsOf(11, LINES + 84, matches));
        assertThat(client.logData()).allSatisfy(data -> assertThat(data).contains("needle", "\"serviceName\":\"web\""));
        assertThat(client.connections()).as("the filtered backlog was paged too").isGreaterThan(1);
    }

    @Test
    @DisplayName("live lines that overflow the buffer while a resume replays end the stream instead of leaving a gap")
    void overflowDuringReplay() throws Exception {
        start(LogHttpServer.builder(backend).streamBufferSize(8));
        long droppedBefore = backend.statistics().subscriberDropped();
        AtomicBoolean done = new AtomicBoolean();
        // On the replay's second page, 40 lines arrive live: more than the buffer of 8 holds.
        backend.beforeRead = reads -> {
            if (reads == 1 && done.compareAndSet(false, true)) {
                writeLive(LINES + 1, LINES + 40);
                await().until(() -> backend.statistics().subscriberDropped() > droppedBefore);
            }
        };
        FollowingSseClient client = follow("/api/v1/logs/stream", ids.get(LINES - 1_000));
        await().until(() -> client.logIds().size() >= 1_039);
        writeLive(LINES + 41, LINES + 45);
        await().until(() -> client.logIds().size() >= 1_044);
        assertThat(client.logIds()).containsExactlyElementsOf(idsOf(LINES - 999 + 1, LINES + 45, i -> true));
        assertThat(client.named("dropped")).isEmpty();
        assertThat(client.named("continue")).singleElement().satisfies(event ->
                assertThat(LogHttpServerTest.parse(event.data()).get("reason").getAsString()).isEqualTo("overflow"));
        assertThat(client.connections()).isEqualTo(2);
    }

}
