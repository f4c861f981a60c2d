package io.containerlogging.docker;

import com.github.dockerjava.api.DockerClient;
import io.containerlogging.core.LogBackend;
import io.containerlogging.local.LocalLogBackend;
import io.containerlogging.testing.DockerEngine;

/**
 * What this module's Docker tests share beyond logging-testing's {@link DockerEngine}: the one
 * place that chooses the backend they store into, and a client that is not built by
 * {@link DockerClients}.
 */
final class DockerTests {

    private DockerTests() {
    }

    /**
     * A fresh, initialized backend for the monitor under test: the real LocalLogBackend, memory
     * only, roomy enough that no test's lines are evicted from the ring.
     */
    static LogBackend newBackend() {
        LogBackend backend = LocalLogBackend.builder().maxLogs(200_000).build();
        try {
            backend.initialize();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return backend;
    }

    /**
     * The run's shared client ({@link DockerEngine#client()}), built by {@link DockerClients} as
     * users build theirs; never closed early.
     */
    static DockerClient client() {
        return DockerEngine.client();
    }

    /** After dockerd restarts: see {@link DockerEngine#reconnect()}. */
    static void reconnect() {
        DockerEngine.reconnect();
    }

    /**
     * A docker-java client built without {@link DockerClients} (the caller closes it): the monitor
     * reads its log streams through docker-java's transport, not {@code SocketLogStreams}.
     */
    static DockerClient plainDockerJavaClient() {
        com.github.dockerjava.core.DockerClientConfig config =
                com.github.dockerjava.core.DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        return com.github.dockerjava.core.DockerClientImpl.getInstance(config,
                new com.github.dockerjava.httpclient5.ApacheDockerHttpClient.Builder()
                        .dockerHost(config.getDockerHost()).build());
    }
}
