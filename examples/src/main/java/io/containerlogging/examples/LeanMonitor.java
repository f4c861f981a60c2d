package io.containerlogging.examples;

import io.containerlogging.core.LogBackend;
import io.containerlogging.docker.ContainerLogMonitor;
import io.containerlogging.docker.DockerSocket;

/**
 * A monitor that loads no Docker client library: {@link DockerSocket} reaches the engine named by
 * {@code DOCKER_HOST} (or the local socket) and the monitor makes its own Engine API calls. Quoted
 * in README.md ("Embedding"); run by {@code LeanMonitorTest}.
 */
public final class LeanMonitor {

    private LeanMonitor() {
    }

    /**
     * Follows every container of the local engine into {@code logBackend} until the returned
     * monitor is closed.
     *
     * @throws java.util.NoSuchElementException if the engine needs a Docker client (TLS, contexts)
     * @throws IllegalStateException if the engine cannot be reached
     */
    public static ContainerLogMonitor follow(LogBackend logBackend) {
        // snippet:start lean
        DockerSocket engine = DockerSocket.fromEnvironment().orElseThrow(); // DOCKER_HOST or the local socket
        engine.ping();
        ContainerLogMonitor monitor = ContainerLogMonitor.builder(engine, logBackend).build();
        monitor.start();
        // snippet:end lean
        return monitor;
    }
}
