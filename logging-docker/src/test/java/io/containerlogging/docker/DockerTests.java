package io.containerlogging.docker;

import com.github.dockerjava.api.DockerClient;
import io.containerlogging.core.LogBackend;
import io.containerlogging.local.LocalLogBackend;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class only when a Docker engine with the test image is reachable; otherwise skips
 * it with a one-line reason, or fails it when {@code -Ddocker.required=true} (as {@code .ci/run}
 * sets). Also the one place that chooses the backend the Docker tests store into.
 */
public final class DockerTests implements ExecutionCondition {

    /** Built by {@code scripts/docker-engine.sh}. */
    public static final String IMAGE = "container-logging-test:busybox";

    private static volatile DockerClient client;
    private static volatile String unavailable;

    /**
     * A fresh, initialized backend for the monitor under test: the real LocalLogBackend, memory
     * only, roomy enough that no test's lines are evicted from the ring.
     */
    public static LogBackend newBackend() {
        LogBackend backend = LocalLogBackend.builder().maxLogs(200_000).build();
        try {
            backend.initialize();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return backend;
    }

    /** The shared client (one connection pool for the whole test run; never closed early). */
    public static DockerClient client() {
        return client;
    }

    /**
     * A docker-java client built without {@link DockerClients} (the caller closes it): the monitor
     * reads its log streams through docker-java's transport, not {@code SocketLogStreams}.
     */
    public static DockerClient plainDockerJavaClient() {
        com.github.dockerjava.core.DockerClientConfig config =
                com.github.dockerjava.core.DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        return com.github.dockerjava.core.DockerClientImpl.getInstance(config,
                new com.github.dockerjava.httpclient5.ApacheDockerHttpClient.Builder()
                        .dockerHost(config.getDockerHost()).build());
    }

    /**
     * Replaces the shared client with a fresh one: after dockerd restarts, the old pool's
     * connections are dead, and the next request on one fails with a broken pipe.
     */
    public static synchronized void reconnect() {
        DockerClient old = client;
        client = DockerClients.fromEnvironment();
        try {
            old.close();
        } catch (java.io.IOException | RuntimeException e) {
            // it was dead anyway
        }
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String reason = probe();
        if (reason == null) {
            return ConditionEvaluationResult.enabled("Docker engine reachable");
        }
        if (Boolean.getBoolean("docker.required")) {
            throw new IllegalStateException("docker.required=true but " + reason);
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
        DockerClient candidate = DockerClients.fromEnvironment();
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
}
