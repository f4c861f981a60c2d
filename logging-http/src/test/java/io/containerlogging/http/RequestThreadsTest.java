package io.containerlogging.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("LogHttpServer's request threads: started when no idle one waits, reused otherwise")
@Timeout(30)
class RequestThreadsTest {

    /** Counts the threads the server asks for. */
    static final class CountingThreads implements ThreadFactory {
        final AtomicInteger created = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "test-http-" + created.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }

    @Test
    @DisplayName("one request after another is served by the same few threads, not one thread each")
    void sequentialRequestsReuseThreads() {
        CountingThreads threads = new CountingThreads();
        try (var backend = TestBackend.create();
                var server = LogHttpServer.builder(backend).port(0).threads(32).threadFactory(threads).build()) {
            Http http = new Http(server.port());
            for (int i = 0; i < 40; i++) {
                assertThat(http.get("/api/v1/logs?limit=1").statusCode()).isEqualTo(200);
            }
            // a pool that starts a thread per task up to its size would have started all 32
            assertThat(threads.created.get()).isBetween(1, 8);
        }
    }

    @Test
    @DisplayName("requests that overlap each get a thread of their own, up to the pool's size")
    void overlappingRequestsGetThreads() throws Exception {
        CountingThreads threads = new CountingThreads();
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger inside = new AtomicInteger();
        RecordingBackend backend = new RecordingBackend(TestBackend.create());
        backend.beforeRead = n -> {
            inside.incrementAndGet();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try (backend; var server = LogHttpServer.builder(backend).port(0).threads(8).threadFactory(threads).build()) {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                responses.add(client.sendAsync(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/api/v1/logs?limit=1")).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            // all six wait inside the backend at once: six threads, none queued behind another
            await().atMost(Duration.ofSeconds(15)).until(() -> inside.get() == 6);
            release.countDown();
            for (CompletableFuture<HttpResponse<String>> response : responses) {
                assertThat(response.get(15, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
            assertThat(threads.created.get()).isBetween(6, 8);
        }
    }
}
