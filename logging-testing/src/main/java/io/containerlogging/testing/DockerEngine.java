package io.containerlogging.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The JUnit condition behind {@link DockerTest}: runs a test class only when a Docker engine with
 * the test image {@value #IMAGE} is reachable; otherwise skips it with a one-line reason, or fails
 * it when the system property {@code docker.required} is {@code true} (so that a CI machine that
 * should have an engine cannot pass by skipping). Also holds the one {@link #client() client} the
 * Docker tests of a run share.
 *
 * <p>The engine is found as docker-java finds it: {@code DOCKER_HOST}, {@code ~/.docker}, else the
 * local unix socket. It is probed once per run; the answer is kept.
 *
 * <p>Thread-safe. Needs the optional docker-java dependencies (see the package documentation).
 */
public final class DockerEngine implements ExecutionCondition {

    /** The image every {@link ScratchContainers} container runs: a busybox built by {@code scripts/docker-engine.sh}. */
    public static final String IMAGE = "container-logging-test:busybox";

    /** The system property that turns "no engine" from a skip into a failure. */
    public static final String REQUIRED_PROPERTY = "docker.required";

    private static final String LIBRARY_CLIENTS = "io.containerlogging.docker.DockerClients";

    private static volatile DockerClient client;
    private static volatile String unavailable;

    /**
     * The client shared by the whole test run; null until a {@link DockerTest} class has found an
     * engine. Built as the library builds its clients ({@code DockerClients.fromEnvironment()})
     * when {@code logging-docker} is on the class path, so that the code under test reads its log
     * streams as it would in production; with docker-java's defaults otherwise. Never close it:
     * other test classes use it after yours.
     */
    public static DockerClient client() {
        return client;
    }

    /**
     * Replaces the shared client with a fresh one. Needed after the Docker daemon restarts: the old
     * client's pooled connections are dead, and the next request on one fails with a broken pipe.
     */
    public static synchronized void reconnect() {
        DockerClient old = client;
        client = newClient();
        if (old != null) {
            try {
                old.close();
            } catch (IOException | RuntimeException e) {
                // it was dead anyway
            }
        }
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String reason = probe();
        if (reason == null) {
            return ConditionEvaluationResult.enabled("Docker engine reachable");
        }
        if (Boolean.getBoolean(REQUIRED_PROPERTY)) {
            throw new IllegalStateException(REQUIRED_PROPERTY + "=true but " + reason);
        }
        return ConditionEvaluationResult.disabled("Docker tests skipped: " + reason
                + " (run scripts/docker-engine.sh to set one up)");
    }

    private static synchronized String probe() {
        if (client != null) {
            return null;
        }
        if (unavailable != null) {
            return unavailable;
        }
        DockerClient candidate = newClient();
        try {
            candidate.pingCmd().exec();
        } catch (RuntimeException e) {
            unavailable = "no Docker engine reachable (" + e.getMessage() + ")";
            return unavailable;
        }
        try {
            candidate.inspectImageCmd(IMAGE).exec();
        } catch (RuntimeException e) {
            unavailable = "the engine has no image " + IMAGE;
            return unavailable;
        }
        client = candidate;
        return null;
    }

    /*
     * Looked up by name because logging-docker's own tests use this module: a compile-time
     * dependency on logging-docker would be a cycle.
     */
    private static DockerClient newClient() {
        Class<?> clients;
        try {
            clients = Class.forName(LIBRARY_CLIENTS);
        } catch (ClassNotFoundException e) {
            return plainClient();
        }
        try {
            return (DockerClient) clients.getMethod("fromEnvironment").invoke(null);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(LIBRARY_CLIENTS + ".fromEnvironment() failed", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(LIBRARY_CLIENTS + ".fromEnvironment() not callable", e);
        }
    }

    private static DockerClient plainClient() {
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        return DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost()).sslConfig(config.getSSLConfig()).build());
    }
}
