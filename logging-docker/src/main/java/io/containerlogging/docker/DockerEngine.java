package io.containerlogging.docker;

import java.io.Closeable;
import java.util.List;
import java.util.Map;

/**
 * The monitor's calls to the Docker engine (inspect, list, events), whatever client makes them: a
 * missing container is a {@link io.containerlogging.core.ContainerNotFoundException}, an engine that cannot be reached an
 * {@link IllegalStateException} saying so. Two implementations: {@link DockerJavaEngine} for a
 * docker-java client, {@link SocketEngine} for a {@link DockerSocket} (no docker-java loaded). Log
 * streams do not go through here but through {@link LogStreams}.
 */
interface DockerEngine {

    /**
     * What the monitor needs to know of a container.
     *
     * @param logDriver the log driver ({@code HostConfig.LogConfig.Type}), null if unknown
     * @param logPath where dockerd keeps a {@code json-file} log, null or empty if it keeps none
     */
    record ContainerInfo(String id, String name, Map<String, String> labels, boolean tty, boolean autoRemove,
            boolean running, String logDriver, String logPath) {
    }

    /** Receives the container events of one subscription, on a thread of the engine's. */
    interface EventListener {
        /** The subscription is connected. */
        void connected();

        /** A container event: {@code action} is Docker's, e.g. {@code create}, {@code start}, {@code destroy}. */
        void event(String containerId, String action);

        /** The subscription ended: broken ({@code error} set) or completed by the engine. */
        void ended(Throwable error);
    }

    /**
     * @throws io.containerlogging.core.ContainerNotFoundException if no such container exists
     * @throws IllegalStateException if the engine cannot be reached
     */
    ContainerInfo inspect(String containerId);

    /**
     * The ids of the running containers.
     *
     * @throws IllegalStateException if the engine cannot be reached
     */
    List<String> runningIds();

    /**
     * The ids of the containers that have exited (not running, not being created or removed).
     *
     * @throws IllegalStateException if the engine cannot be reached
     */
    List<String> exitedIds();

    /** The full id of a container named by id, id prefix or name; null if unknown or the engine is away. */
    String idOf(String containerIdOrName);

    /**
     * Prepares whatever the first inspect would otherwise build while a container is in a hurry to
     * be attached (see {@code docs/docker-notes.md}); nothing for engines that need no preparing.
     */
    void warmUpInspect();

    /**
     * Subscribes to container events; closing the returned handle ends the subscription (the
     * listener then hears {@link EventListener#ended}).
     *
     * @throws IllegalStateException if the engine cannot be reached
     */
    Closeable containerEvents(EventListener listener);

    /** The exception for an engine that cannot be reached, naming the deepest cause. */
    static IllegalStateException unreachable(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return new IllegalStateException("cannot reach the Docker engine: " + e.getMessage()
                + (root != e ? " (" + root + ")" : ""), e);
    }
}
