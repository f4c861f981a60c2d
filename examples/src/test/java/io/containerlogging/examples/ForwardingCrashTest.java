package io.containerlogging.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import io.containerlogging.testing.DockerTest;
import io.containerlogging.testing.ScratchContainers;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Store and forward through the example server ({@code FORWARD_TO}) while everything fails: the
 * receiver goes away mid-flood and comes back, and the server is killed with {@code kill -9} at
 * random moments and started again on the same {@code LOG_DIR}. Every line must arrive, with at
 * most one batch delivered twice per crash (the batch whose cursor was not saved yet).
 *
 * <p>The receiver is a webhook, a real HTTP server in this JVM; the server runs in a child JVM
 * with a ring far smaller than the container's output, so the forwarder reads from the files.
 */
@DockerTest
@Tag("crash")
@Timeout(300)
@DisplayName("FORWARD_TO through receiver outages and kill -9: every line delivered, duplicates within a batch per crash")
class ForwardingCrashTest {

    private static final int LINES = 8_000;
    private static final int CRASHES = 3;
    private static final int BATCH = 200;

    @TempDir
    Path dir;

    final ScratchContainers containers = new ScratchContainers();
    ChildServer server;
    HttpServer receiver;
    final List<String> received = new ArrayList<>(); // guarded by itself: "containerId line" per message

    @AfterEach
    void cleanUp() throws InterruptedException {
        if (server != null) {
            server.kill();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
        containers.close();
    }

    @Test
    @DisplayName("an 8 000-line container, the receiver down for a while, three crashes of the server")
    void everyLineDelivered() throws Exception {
        int port = ChildServer.freePort();
        int hookPort = ChildServer.freePort();
        Random random = new Random(Long.getLong("crash.seed", System.nanoTime()));
        startReceiver(hookPort);
        String forwardTo = "webhook+http://127.0.0.1:" + hookPort + "/hook?sourceType=container&batch=" + BATCH
                + "&name=hook";
        server = startServer(port, 0, forwardTo);
        String id = containers.create("i=0; while [ $i -lt " + LINES + " ]; do i=$((i+1)); echo line-$i;"
                + " [ $((i % 20)) -eq 0 ] && sleep 0.05; done; sleep 1", false, Map.of());
        containers.start(id);

        await().atMost(Duration.ofSeconds(60)).until(() -> lines(id).size() > 300);
        receiver.stop(0); // the receiver goes away mid-flood: the forwarder retries, the files keep it all
        receiver = null;
        int whileDown = lines(id).size();
        // A stretch of output with nobody to receive it: stored, and the forwarder failing.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> forwarderStatus().get("lagMessages").getAsLong() >= 100
                        && forwarderStatus().get("retried").getAsLong() > 0);
        for (int crash = 1; crash <= CRASHES; crash++) {
            if (crash == 2) {
                startReceiver(hookPort); // back between two crashes
            }
            Thread.sleep(300 + random.nextInt(1_200)); // the point: a kill at a random moment
            server.kill();
            server = startServer(port, crash, forwardTo);
        }
        assertThat(whileDown).as("lines arrived before the outage").isPositive();

        await().atMost(Duration.ofSeconds(120)).until(() -> distinct(lines(id)) >= LINES);
        // Duplicates, if any, come right after: let them arrive before counting.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(15))
                .until(() -> forwarderStatus().get("lagMessages").getAsLong() == 0);
        List<String> lines = lines(id);
        Map<String, Integer> times = new HashMap<>();
        lines.forEach(line -> times.merge(line, 1, Integer::sum));
        List<String> missing = new ArrayList<>();
        for (int i = 1; i <= LINES; i++) {
            if (!times.containsKey("line-" + i)) {
                missing.add("line-" + i);
            }
        }
        assertThat(missing).as("lines never delivered").isEmpty();
        long duplicates = lines.size() - times.size();
        assertThat(duplicates).as("deliveries beyond the first (at most one batch per crash)")
                .isLessThanOrEqualTo((long) CRASHES * BATCH);
        JsonObject status = forwarderStatus();
        assertThat(status.get("name").getAsString()).isEqualTo("hook");
        assertThat(status.get("missed").getAsLong()).isZero();
        assertThat(Files.exists(dir.resolve("logs/forwarders/hook.cursor"))).isTrue();
        String metrics = server.get("/metrics");
        assertThat(metrics).contains("container_logging_forwarder_lag_messages{forwarder=\"hook\"} 0");
    }

    private List<String> lines(String containerId) {
        List<String> lines = new ArrayList<>();
        synchronized (received) {
            for (String entry : received) {
                if (entry.startsWith(containerId + " ")) {
                    lines.add(entry.substring(containerId.length() + 1));
                }
            }
        }
        return lines;
    }

    private static long distinct(List<String> lines) {
        return lines.stream().distinct().count();
    }

    private void startReceiver(int port) throws IOException {
        HttpServer started = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        started.createContext("/hook", exchange -> {
            try (exchange) {
                InputStream body = exchange.getRequestBody();
                if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                    body = new GZIPInputStream(body);
                }
                JsonObject batch = JsonParser.parseString(new String(body.readAllBytes(), StandardCharsets.UTF_8))
                        .getAsJsonObject();
                synchronized (received) {
                    for (JsonElement element : batch.getAsJsonArray("messages")) {
                        JsonObject message = element.getAsJsonObject();
                        received.add(message.get("containerId").getAsString() + " "
                                + message.get("message").getAsString());
                    }
                }
                exchange.sendResponseHeaders(204, -1);
            }
        });
        started.start();
        receiver = started;
    }

    private JsonObject forwarderStatus() throws IOException {
        return JsonParser.parseString(server.get(Forwarding.PATH)).getAsJsonObject().getAsJsonArray("forwarders")
                .get(0).getAsJsonObject();
    }

    private ChildServer startServer(int port, int life, String forwardTo) throws IOException {
        return ChildServer.start(port, Map.of(
                "LOG_DIR", dir.resolve("logs").toString(),
                "MAX_LOGS", "500", // far fewer than the container writes: the forwarder reads the files
                "USE_REAL_DOCKER", "true",
                "LOG_AUDIT", "off",
                "FORWARD_TO", forwardTo), dir.resolve("server-" + life + ".out"));
    }
}
