package io.containerlogging.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containerlogging.core.LogQuery;
import io.containerlogging.opensearch.OpenSearchLogBackend;
import io.containerlogging.testing.DockerTest;
import io.containerlogging.testing.OpenSearchNode;
import io.containerlogging.testing.OpenSearchTest;
import io.containerlogging.testing.ScratchContainers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet: three devices (example servers in child JVMs, each with its own {@code DEVICE_ID} and
 * {@code LOG_DIR}) forward to one OpenSearch node with {@code FORWARD_TO}; the third device's
 * link is cut while a container writes and restored later. The central API (an
 * {@link OpenSearchLogBackend} on the node) must then count exactly what each device stored.
 */
@DockerTest
@OpenSearchTest
@Timeout(300)
@DisplayName("A fleet of three devices forwarding to one OpenSearch node, one offline for a while: exact counts per device")
class FleetForwardingTest {

    private static final String PREFIX = "fleet-forward";
    private static final int LINES = 3_000;

    @TempDir
    Path dir;

    final ScratchContainers containers = new ScratchContainers();
    final List<ChildServer> devices = new ArrayList<>();
    TcpRelay link;

    @AfterEach
    void cleanUp() throws Exception {
        for (ChildServer device : devices) {
            device.close();
        }
        if (link != null) {
            link.close();
        }
        containers.close();
        OpenSearchNode.deleteIndices(PREFIX);
    }

    @Test
    @DisplayName("3 000 container lines on every device; device 3 offline during them; afterwards every device's count, exactly")
    void exactCountsPerDevice() throws Exception {
        link = new TcpRelay(ChildServer.freePort(), OpenSearchNode.HTTP_PORT);
        link.start();
        for (int device = 1; device <= 3; device++) {
            int port = device == 3 ? link.port() : OpenSearchNode.HTTP_PORT;
            devices.add(ChildServer.start(ChildServer.freePort(), Map.of(
                    "DEVICE_ID", "dev-" + device,
                    "LOG_DIR", dir.resolve("dev-" + device).toString(),
                    "USE_REAL_DOCKER", "true",
                    "LOG_AUDIT", "off",
                    "FORWARD_TO", "opensearch+http://127.0.0.1:" + port + "?indexPrefix=" + PREFIX + "&name=central"),
                    dir.resolve("dev-" + device + ".out")));
        }
        try (OpenSearchLogBackend central = OpenSearchLogBackend.builder().endpoints(OpenSearchNode.url())
                .indexPrefix(PREFIX).build()) {
            central.initialize();
            link.stop(); // device 3 goes offline
            String id = containers.create("i=0; while [ $i -lt " + LINES + " ]; do i=$((i+1)); echo line-$i;"
                    + " [ $((i % 100)) -eq 0 ] && sleep 0.05; done", false, Map.of());
            containers.start(id);
            for (int device = 1; device <= 2; device++) {
                String name = "dev-" + device;
                await().atMost(Duration.ofSeconds(120)).until(() -> lines(central, name, id) == LINES);
            }
            assertThat(lines(central, "dev-3", id)).as("nothing of the offline device arrived").isZero();
            assertThat(devices.get(2).get("/api/v1/logs/count?containerId=" + id))
                    .as("the offline device stored every line meanwhile").isEqualTo("{\"count\":" + LINES + "}");

            link.start(); // back online: the forwarder catches up from its files
            await().atMost(Duration.ofSeconds(120)).until(() -> lines(central, "dev-3", id) == LINES);

            // Everything each device stored (its own system messages too), no more and no less.
            for (int device = 1; device <= 3; device++) {
                ChildServer server = devices.get(device - 1);
                String name = "dev-" + device;
                await().atMost(Duration.ofSeconds(60)).until(() -> server.get("/api/v1/logs/count")
                        .equals("{\"count\":" + central.count(LogQuery.builder().deviceId(name).build()) + "}"));
            }
        }
    }

    private static long lines(OpenSearchLogBackend central, String device, String containerId) {
        central.flush(); // makes what was indexed searchable now, as the refresh interval would
        return central.count(LogQuery.builder().deviceId(device).containerId(containerId).build());
    }
}
