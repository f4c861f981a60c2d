package io.containerlogging.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.local.LocalLogBackend;
import io.containerlogging.testing.DockerTest;
import io.containerlogging.testing.ScratchContainers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DockerTest
@Timeout(60)
class LeanMonitorTest {

    @Test
    @DisplayName("the README's DockerSocket example follows a container started after it, with no docker-java client")
    void followsWithoutDockerJava() throws Exception {
        try (LocalLogBackend backend = LocalLogBackend.builder().build();
                ScratchContainers containers = new ScratchContainers()) {
            backend.initialize();
            try (var monitor = LeanMonitor.follow(backend)) {
                String id = containers.run("echo lean; echo mean >&2");
                await().untilAsserted(() -> assertThat(backend.getLogs(LogQuery.builder().containerId(id).build()))
                        .extracting(LogMessage::message).containsExactly("lean", "mean"));
            }
        }
    }
}
