package io.containerlogging.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.RestartPolicy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Busybox containers ({@value DockerEngine#IMAGE}) for one test, all labelled with a unique run id
 * so that {@link #close()} removes every one of them, and nothing else, however the test ended.
 * Use in a {@link DockerTest} class, in try-with-resources or closed in {@code @AfterEach}.
 *
 * <p>Containers are named {@code cl-test-<run>-<n>}. Not thread-safe beyond what docker-java is:
 * create containers from the test thread.
 */
public final class ScratchContainers implements AutoCloseable {

    /** The label every container created here carries; its value is this instance's run id. */
    public static final String RUN_LABEL = "io.containerlogging.test-run";

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final AtomicInteger number = new AtomicInteger();

    /** The shared test client, looked up on every call (it is replaced after a dockerd restart). */
    public DockerClient docker() {
        return DockerEngine.client();
    }

    /**
     * Creates (does not start) a container running {@code script} with {@code sh -c}.
     *
     * @return the container id
     */
    public String create(String script) {
        return create(script, false, Map.of());
    }

    /**
     * Creates (does not start) a container running {@code script} with {@code sh -c}, with a TTY
     * if {@code tty} (its output then arrives as one raw stream) and with extra {@code labels}.
     *
     * @return the container id
     */
    public String create(String script, boolean tty, Map<String, String> labels) {
        return command(script, tty, labels).exec().getId();
    }

    /**
     * Creates (does not start) a container that Docker restarts whenever it stops, dockerd included.
     *
     * @return the container id
     */
    public String createRestartingAlways(String script) {
        return command(script, false, Map.of())
                .withHostConfig(HostConfig.newHostConfig().withRestartPolicy(RestartPolicy.alwaysRestart()))
                .exec().getId();
    }

    /**
     * Creates (does not start) a container that Docker deletes when it exits ({@code docker run --rm}).
     *
     * @return the container id
     */
    public String createAutoRemove(String script) {
        return command(script, false, Map.of())
                .withHostConfig(HostConfig.newHostConfig().withAutoRemove(true))
                .exec().getId();
    }

    private CreateContainerCmd command(String script, boolean tty, Map<String, String> labels) {
        Map<String, String> allLabels = new HashMap<>(labels);
        allLabels.put(RUN_LABEL, run);
        return docker().createContainerCmd(DockerEngine.IMAGE)
                .withName("cl-test-" + run + "-" + number.incrementAndGet())
                .withCmd("sh", "-c", script)
                .withTty(tty)
                .withLabels(allLabels);
    }

    /**
     * Creates and starts a container running {@code script}.
     *
     * @return the container id
     */
    public String run(String script) {
        String id = create(script);
        docker().startContainerCmd(id).exec();
        return id;
    }

    /** Starts the containers {@code ids}, in order. */
    public void start(String... ids) {
        for (String id : ids) {
            docker().startContainerCmd(id).exec();
        }
    }

    /** Stops container {@code id} at once (no grace period). */
    public void stop(String id) {
        docker().stopContainerCmd(id).withTimeout(0).exec();
    }

    /** Restarts container {@code id} at once (no grace period). */
    public void restart(String id) {
        docker().restartContainerCmd(id).withTimeout(0).exec();
    }

    /** Whether container {@code id} is running now. */
    public boolean running(String id) {
        return Boolean.TRUE.equals(docker().inspectContainerCmd(id).exec().getState().getRunning());
    }

    /** The name of container {@code id}, without Docker's leading slash. */
    public String name(String id) {
        return docker().inspectContainerCmd(id).exec().getName().substring(1);
    }

    /** Removes, forcibly, every container this instance created that still exists. */
    @Override
    public void close() {
        List<Container> mine = docker().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(RUN_LABEL, run)).exec();
        for (Container container : mine) {
            try {
                docker().removeContainerCmd(container.getId()).withForce(true).exec();
            } catch (NotFoundException e) {
                // already gone
            }
        }
    }
}
