package io.containerlogging.docker;

import io.containerlogging.core.LogBackend;
import io.containerlogging.testing.DockerTest;
import org.junit.jupiter.api.DisplayName;

/** Every test of {@link AutoAttachDockerTest} again, on a monitor that reaches the engine as a {@link DockerSocket}. */
@DockerTest
@DisplayName("AutoAttachDockerTest over DockerSocket (no docker-java in the monitor)")
class AutoAttachSocketDockerTest extends AutoAttachDockerTest {

    @Override
    ContainerLogMonitor newMonitor(LogBackend backend) {
        return ContainerLogMonitor.builder(DockerSocket.fromEnvironment().orElseThrow(), backend).build();
    }
}
