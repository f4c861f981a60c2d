package io.containerlogging.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.LogSource;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("many pollers and streams while logs are written")
class ConcurrentUseTest {

    static final int WRITERS = 4;
    static final int PER_WRITER = 500;
    static final int TOTAL = WRITERS * PER_WRITER;

    @Test
    @Timeout(60)
    @DisplayName("every poller and every stream sees exactly the matching logs, in order, once")
    void pollersAndStreams() throws Exception {
        LogBackend backend = TestBackend.create();
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 8);
        List<SseClient> streams = new ArrayList<>();
        try (LogHttpServer server = LogHttpServer.builder(backend).port(0)
                .streamBufferSize(TOTAL) // big enough that no stream may drop: counts must be exact
                .build()) {
            SseClient allStream = SseClient.open(server.port(), "/api/v1/logs/stream", Map.of());
            SseClient allStream2 = SseClient.open(server.port(), "/api/v1/logs/stream", Map.of());
            SseClient errorStream = SseClient.open(server.port(), "/api/v1/logs/stream?level=error", Map.of());
            SseClient webStream = SseClient.open(server.port(), "/api/v1/logs/stream?serviceName=web", Map.of());
            streams.addAll(List.of(allStream, allStream2, errorStream, webStream));
            await().until(() -> backend.subscriberCount() == 4);

            List<Future<List<String>>> allPollers = new ArrayList<>();
            List<Future<List<String>>> webPollers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                allPollers.add(pool.submit(poller(server.port(), "", TOTAL)));
                webPollers.add(pool.submit(poller(server.port(), "&serviceName=web", TOTAL / 2)));
            }
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < PER_WRITER; i++) {
                        String service = writer % 2 == 0 ? "web" : "api";
                        backend.log(LogMessage.builder().message("writer " + writer + " line " + i)
                                .level(i % 5 == 0 ? LogLevel.ERROR : LogLevel.INFO)
                                .source(LogSource.container(service)).serviceName(service)
                                .serviceId(writer).containerId("c" + writer).timestamp(Instant.now())
                                .build());
                    }
                }));
            }
            for (Future<?> writer : writers) {
                writer.get();
            }

            List<String> all = ids(backend.getLogs(LogQuery.all()));
            List<String> web = ids(backend.getLogs(LogQuery.builder().serviceName("web").build()));
            List<String> errors = ids(backend.getLogs(LogQuery.builder().level(LogLevel.ERROR).build()));
            assertThat(all).hasSize(TOTAL).containsExactlyElementsOf(LogStreamTest.ids(1, TOTAL));
            assertThat(web).hasSize(TOTAL / 2);
            assertThat(errors).hasSize(TOTAL / 5);

            for (Future<List<String>> poller : allPollers) {
                assertThat(poller.get()).containsExactlyElementsOf(all);
            }
            for (Future<List<String>> poller : webPollers) {
                assertThat(poller.get()).containsExactlyElementsOf(web);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> allStream.logIds().size() == TOTAL
                    && allStream2.logIds().size() == TOTAL && errorStream.logIds().size() == TOTAL / 5
                    && webStream.logIds().size() == TOTAL / 2);
            assertThat(allStream.logIds()).containsExactlyElementsOf(all);
            assertThat(allStream2.logIds()).containsExactlyElementsOf(all);
            assertThat(errorStream.logIds()).containsExactlyElementsOf(errors);
            assertThat(webStream.logIds()).containsExactlyElementsOf(web);
            for (SseClient stream : streams) {
                assertThat(stream.named("dropped")).isEmpty();
            }
            assertThat(new Http(server.port()).get("/api/v1/logs/count").body())
                    .isEqualTo("{\"count\":" + TOTAL + "}");
        } finally {
            for (SseClient stream : streams) {
                stream.close();
            }
            pool.shutdownNow();
            backend.close();
        }
        assertThat(backend.subscriberCount()).isZero();
    }

    /** Polls with the afterId cursor until it has {@code expected} logs; returns their ids in order. */
    static Callable<List<String>> poller(int port, String filter, int expected) {
        return () -> {
            Http http = new Http(port);
            List<String> seen = new ArrayList<>();
            while (seen.size() < expected) {
                String cursor = seen.isEmpty() ? "" : "afterId=" + seen.get(seen.size() - 1);
                HttpResponse<String> response = http.get("/api/v1/logs?" + cursor + filter);
                assertThat(response.statusCode()).isEqualTo(200);
                JsonObject body = Http.json(response);
                for (JsonElement log : body.getAsJsonArray("logs")) {
                    seen.add(log.getAsJsonObject().get("id").getAsString());
                }
                if (body.get("count").getAsInt() == 0) {
                    Thread.onSpinWait();
                }
            }
            return seen;
        };
    }

    static List<String> ids(List<LogMessage> messages) {
        return messages.stream().map(LogMessage::id).toList();
    }
}
