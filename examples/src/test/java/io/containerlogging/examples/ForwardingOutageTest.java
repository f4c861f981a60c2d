package io.containerlogging.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.containerlogging.testing.ScratchContainers;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Store and forward per sink, end to end (issue 17): the example server, a child JVM with
 * {@code FORWARD_TO}, forwards a container's flood to the real receiver. The receiver is stopped
 * mid-flood (the real rsyslogd, broker or node, not a relay); while it is down the server is
 * restarted twice, cleanly (SIGTERM) and with {@code kill -9}; the receiver is started again and
 * the server killed once more while it catches up. Every line must arrive, with no more
 * duplicates than the sink's documented window (docs/forwarding.md, "Delivery semantics").
 *
 * <p>A subclass per sink supplies the receiver. The server keeps far fewer messages in memory than
 * the container writes, so the forwarder reads its files.
 */
abstract class ForwardingOutageTest {

    static final int LINES = 4_000;
    static final int TAIL_LINES = 50;
    static final int BATCH = 200;
    static final String DEVICE = "edge-e2e";
    static final String FORWARDER = "outage";

    @TempDir
    Path dir;

    final ScratchContainers containers = new ScratchContainers();
    // -Doutage.seed=N repeats a run's timing choices (the seed is printed with its summary)
    private final long seed = Long.getLong("outage.seed", System.nanoTime());
    private final Random random = new Random(seed);
    private ChildServer server;
    private int port;
    private int lives;
    private int restarts;
    private long lagAtRestart;
    private long failedDeliveries; // of the server lives that ended

    /** The receiver's {@code FORWARD_TO} URI; the forwarder's own parameters are added to it. */
    abstract String sinkUri();

    /** Stops the real receiver (its process or node), keeping what it received. */
    abstract void stopReceiver() throws Exception;

    /** Starts the receiver again, where it was, and waits until it accepts. */
    abstract void startReceiver() throws Exception;

    /** The lines of {@code containerId} the receiver holds: one entry per arrival, so duplicates repeat. */
    abstract List<String> received(String containerId) throws Exception;

    /**
     * The most duplicates the sink's documented window allows after {@code restarts} restarts of
     * the server and {@code failedDeliveries} failed deliveries (as the forwarders counted them), in
     * batches of {@value #BATCH}. A restart counts like a failed delivery: after {@code kill -9} the
     * batch whose cursor was not saved is delivered again, and after a clean close the delivery it
     * cut short (it waited for a receiver that was down) is, without the forwarder counting it.
     */
    abstract long duplicateWindow(int restarts, long failedDeliveries);

    /** Further checks of what the receiver holds, given the arrivals {@link #received} counted. */
    void assertReceiverAgrees(String containerId, int arrivals) throws Exception {
        // nothing more to ask of most receivers
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        if (server != null) {
            server.kill();
        }
        containers.close();
    }

    @Test
    @DisplayName("a 4 000-line flood; the receiver stopped mid-flood; the server restarted cleanly and killed while it is down, and killed again as it catches up: every line, duplicates within the window")
    void everyLineThroughOutageAndRestarts() throws Exception {
        port = ChildServer.freePort();
        server = startServer();
        String id = containers.create(flood("line", LINES), false, Map.of());
        containers.start(id);

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                .until(() -> distinct(received(id)) > 300);
        int beforeOutage = distinct(received(id));
        stopReceiver(); // mid-flood: the forwarder fails and retries; the files keep everything
        // Output with nobody to receive it: stored, not delivered.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> forwarderStatus().get("lagMessages").getAsLong() >= 100);
        restartCleanly();
        Thread.sleep(300 + random.nextInt(1_000)); // the point: a kill at a random moment of the outage
        crash(); // still no receiver
        startReceiver();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> distinct(received(id)) > beforeOutage);
        Thread.sleep(random.nextInt(300)); // the point: a kill at a random moment of the catch-up
        crash();

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> distinct(received(id)) >= LINES);
        // A second container after the last restart: the server's last life delivers for sure.
        String tail = containers.create(flood("tail", TAIL_LINES), false, Map.of());
        containers.start(tail);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> distinct(received(tail)) >= TAIL_LINES);
        // Duplicates, if any, come right after: let them arrive before counting.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(30))
                .until(() -> forwarderStatus().get("lagMessages").getAsLong() == 0);

        JsonObject status = forwarderStatus();
        failedDeliveries += status.get("retried").getAsLong();
        List<String> lines = received(id);
        List<String> tailLines = received(tail);
        assertThat(missing(lines, "line", LINES)).as("lines never delivered").isEmpty();
        assertThat(missing(tailLines, "tail", TAIL_LINES)).as("lines of the second container never delivered")
                .isEmpty();
        List<String> all = new ArrayList<>(lines);
        all.addAll(tailLines);
        long duplicates = all.size() - all.stream().distinct().count();
        // For the report of a run: how the outage went this time.
        System.out.printf("%s: %d arrivals, %d duplicates, %d restarts, %d failed deliveries, window %d,"
                + " lag at the clean restart %d, seed %d%n", getClass().getSimpleName(), all.size(), duplicates,
                restarts, failedDeliveries, duplicateWindow(restarts, failedDeliveries), lagAtRestart, seed);
        assertThat(duplicates)
                .as("deliveries beyond the first, after %d restarts and %d failed deliveries", restarts,
                        failedDeliveries)
                .isLessThanOrEqualTo(duplicateWindow(restarts, failedDeliveries));
        assertReceiverAgrees(id, lines.size());
        assertReceiverAgrees(tail, tailLines.size());
        assertThat(status.get("name").getAsString()).isEqualTo(FORWARDER);
        assertThat(status.get("delivered").getAsLong()).as("delivered by the last life").isPositive();
        assertThat(status.get("lagMessages").getAsLong()).isZero();
        assertThat(status.get("missed").getAsLong()).isZero();
        assertThat(status.get("rejected").getAsLong()).isZero();
        assertThat(lagAtRestart).as("messages waiting for the stopped receiver at the clean restart").isPositive();
    }

    /** A busybox script writing {@code prefix-1} ... {@code prefix-count}, about 400 lines a second. */
    private static String flood(String prefix, int count) {
        return "i=0; while [ $i -lt " + count + " ]; do i=$((i+1)); echo " + prefix + "-$i;"
                + " [ $((i % 20)) -eq 0 ] && sleep 0.05; done; sleep 1";
    }

    private ChildServer startServer() throws IOException {
        String uri = sinkUri();
        String forwardTo = uri + (uri.contains("?") ? "&" : "?") + "sourceType=container&batch=" + BATCH
                + "&name=" + FORWARDER;
        return ChildServer.start(port, Map.of(
                "LOG_DIR", dir.resolve("logs").toString(),
                "DEVICE_ID", DEVICE,
                "MAX_LOGS", "500", // far fewer than the container writes: the forwarder reads the files
                "USE_REAL_DOCKER", "true",
                "LOG_AUDIT", "off",
                "FORWARD_TO", forwardTo), dir.resolve("server-" + lives++ + ".out"));
    }

    /** SIGTERM, and the server must close itself (exit 0: cursor saved, sink closed), then start again. */
    private void restartCleanly() throws Exception {
        JsonObject status = forwarderStatus();
        failedDeliveries += status.get("retried").getAsLong();
        lagAtRestart = status.get("lagMessages").getAsLong();
        server.close();
        restarts++;
        assertThat(server.exitValue()).as("exit code of a server closed by SIGTERM").isZero();
        server = startServer();
    }

    /** {@code kill -9}, then start again on the same LOG_DIR. */
    private void crash() throws Exception {
        failedDeliveries += forwarderStatus().get("retried").getAsLong();
        server.kill();
        restarts++;
        server = startServer();
    }

    private JsonObject forwarderStatus() throws IOException {
        return JsonParser.parseString(server.get(Forwarding.PATH)).getAsJsonObject().getAsJsonArray("forwarders")
                .get(0).getAsJsonObject();
    }

    private static int distinct(List<String> lines) {
        return (int) lines.stream().distinct().count();
    }

    private static List<String> missing(List<String> lines, String prefix, int count) {
        Map<String, Integer> times = new HashMap<>();
        lines.forEach(line -> times.merge(line, 1, Integer::sum));
        List<String> missing = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            if (!times.containsKey(prefix + "-" + i)) {
                missing.add(prefix + "-" + i);
            }
        }
        return missing;
    }
}
