package io.containerlogging.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.containerlogging.testing.DockerTest;
import io.containerlogging.testing.ScratchContainers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example server killed with {@code kill -9} at random moments while a container writes and
 * an SSE client follows it, resuming after each crash with {@code Last-Event-ID} as
 * {@code EventSource} does: the client must see every line exactly once, in order.
 *
 * <p>The server runs in a child JVM (a {@code kill -9} must not take the test with it), with a
 * ring small enough to evict, on one {@code LOG_DIR} for all its lives.
 */
@DockerTest
@Tag("crash")
@Timeout(300)
@DisplayName("kill -9 of the example server: an SSE client resuming with Last-Event-ID sees every line once")
class ExampleServerCrashTest {

    private static final int LINES = 6_000;
    private static final int CRASHES = 3;

    @TempDir
    Path dir;

    final ScratchContainers containers = new ScratchContainers();
    ChildServer server;

    @AfterEach
    void cleanUp() throws InterruptedException {
        if (server != null) {
            server.kill();
        }
        containers.close();
    }

    @Test
    @DisplayName("three crashes during a 6 000-line container: every line once, in order, ids increasing")
    void sseClientSeesEveryLineOnce() throws Exception {
        int port = ChildServer.freePort();
        Random random = new Random(Long.getLong("crash.seed", System.nanoTime()));
        server = startServer(port, 0);
        String id = containers.create("i=0; while [ $i -lt " + LINES + " ]; do i=$((i+1)); echo line-$i;"
                + " [ $((i % 10)) -eq 0 ] && sleep 0.05; done; sleep 1", false, Map.of());
        SseClient client = new SseClient(URI.create("http://127.0.0.1:" + port + "/api/v1/logs/stream?containerId=" + id));
        Thread reader = new Thread(client, "sse-client");
        reader.setDaemon(true);
        reader.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> client.connections >= 1);
        containers.start(id);

        for (int crash = 1; crash <= CRASHES; crash++) {
            int before = client.received();
            await().atMost(Duration.ofSeconds(60)).until(() -> client.received() > before);
            Thread.sleep(300 + random.nextInt(1200)); // the point: a kill at a random moment of the stream
            server.kill(); // SIGKILL: no shutdown hook, no flush, no checkpoint save
            server = startServer(port, crash);
        }
        assertThat(containers.running(id)).as("the container outlived the crashes (else they proved little)").isTrue();

        try {
            await().atMost(Duration.ofSeconds(120)).until(() -> client.received() >= LINES || client.failure.get() != null);
            // A duplicate, if any, would come right after the last line: the count must hold still.
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                    .until(() -> client.received() == LINES || client.failure.get() != null);
        } catch (ConditionTimeoutException e) {
            // fall through: the assertions below say which lines are missing or repeated
        }
        client.stop();
        assertThat(client.failure.get()).as("the client's stream was well-formed").isNull();

        List<String> texts = client.texts();
        Map<String, Integer> seen = new HashMap<>();
        texts.forEach(text -> seen.merge(text, 1, Integer::sum));
        List<String> wrong = new ArrayList<>();
        for (int i = 1; i <= LINES; i++) {
            Integer times = seen.get("line-" + i);
            if (times == null || times != 1) {
                wrong.add("line-" + i + " x" + times);
            }
        }
        assertThat(wrong).as("lines not received exactly once (of %d received, %d connections)",
                texts.size(), client.connections).isEmpty();
        assertThat(texts).hasSize(LINES);
        for (int i = 0; i < LINES; i++) {
            assertThat(texts.get(i)).as("received in order").isEqualTo("line-" + (i + 1));
        }
        assertThat(client.sequences()).as("ids only increase").isSorted().doesNotHaveDuplicates();
        assertThat(client.connections).as("the client reconnected after every crash").isGreaterThan(CRASHES);
    }

    private ChildServer startServer(int port, int life) throws IOException {
        return ChildServer.start(port, Map.of(
                "LOG_DIR", dir.resolve("logs").toString(),
                // far fewer than the container writes, and than a crash's backlog: each resume
                // reaches behind the memory into the files
                "MAX_LOGS", "300",
                "USE_REAL_DOCKER", "true"), dir.resolve("server-" + life + ".out"));
    }

    /** An EventSource in miniature: follows the stream, and on any end reconnects with Last-Event-ID. */
    static final class SseClient implements Runnable {
        private final URI uri;
        private final List<String[]> events = new ArrayList<>(); // {id, message}; guarded by this
        private volatile String lastEventId;
        private volatile boolean stopped;
        private volatile InputStream open;
        volatile int connections;
        final AtomicReference<String> failure = new AtomicReference<>();

        SseClient(URI uri) {
            this.uri = uri;
        }

        @Override
        public void run() {
            while (!stopped) {
                try {
                    follow();
                } catch (IOException serverGone) {
                    // the server was killed: reconnect as EventSource does
                }
                sleep(200);
            }
        }

        private void follow() throws IOException {
            HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
            connection.setReadTimeout(60_000);
            if (lastEventId != null) {
                connection.setRequestProperty("Last-Event-ID", lastEventId);
            }
            if (connection.getResponseCode() != 200) {
                return;
            }
            connections++;
            try (InputStream in = connection.getInputStream();
                    BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                open = in;
                String eventId = null;
                String eventType = null;
                String line;
                while (!stopped && (line = lines.readLine()) != null) {
                    if (line.startsWith("id: ")) {
                        eventId = line.substring(4);
                    } else if (line.startsWith("event: ")) {
                        eventType = line.substring(7);
                    } else if (line.startsWith("data: ")) {
                        if (eventType == null) {
                            accept(eventId, line.substring(6));
                        } else if (eventType.equals("dropped")) {
                            return; // it skipped some: reconnect and fetch them by Last-Event-ID
                        }
                    } else if (line.isEmpty()) {
                        eventId = null;
                        eventType = null;
                    }
                }
            }
        }

        private void accept(String eventId, String data) {
            JsonObject message = JsonParser.parseString(data).getAsJsonObject();
            String id = message.get("id").getAsString();
            if (!id.equals(eventId)) {
                failure.compareAndSet(null, "event id " + eventId + " but message id " + id);
            }
            synchronized (this) {
                events.add(new String[] {id, message.get("message").getAsString()});
            }
            lastEventId = id;
        }

        synchronized int received() {
            return events.size();
        }

        synchronized List<String> texts() {
            List<String> texts = new ArrayList<>();
            events.forEach(event -> texts.add(event[1]));
            return texts;
        }

        synchronized List<Long> sequences() {
            List<Long> sequences = new ArrayList<>();
            events.forEach(event -> sequences.add(Long.parseLong(event[0].substring("log-".length()))));
            return sequences;
        }

        void stop() {
            stopped = true;
            InputStream in = open;
            if (in != null) {
                try {
                    in.close();
                } catch (IOException ignored) {
                    // closing to end the read
                }
            }
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
