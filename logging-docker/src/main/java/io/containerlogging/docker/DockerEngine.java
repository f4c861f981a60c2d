package io.containerlogging.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import io.containerlogging.core.ContainerNotFoundException;
import java.io.Closeable;
import java.util.List;
import java.util.Map;

/**
 * The monitor's calls to the Docker engine (inspect, list, events), with docker-java's types and
 * exceptions converted here so that nothing past this class sees them: a missing container is a
 * {@link ContainerNotFoundException}, an engine that cannot be reached an
 * {@link IllegalStateException} saying so. Log streams do not go through here but through
 * {@link LogStreams}, which needs the raw transport.
 *
 * <p>Thread-safety: as thread-safe as the Docker client (docker-java's is).
 */
final class DockerEngine {

    private static final System.Logger LOG = System.getLogger(DockerEngine.class.getName());

    /**
     * What the monitor needs to know of a container.
     *
     * @param logDriver the log driver ({@code HostConfig.LogConfig.Type}), null if unknown
     * @param logPath where dockerd keeps a {@code json-file} log, null or empty if it keeps none
     */
    record ContainerInfo(String id, String name, Map<String, String> labels, boolean tty, boolean autoRemove,
            boolean running, String logDriver, String logPath) {
    }

    /** Receives the container events of one subscription, on docker-java's thread. */
    interface EventListener {
        /** The subscription is connected. */
        void connected();

        /** A container event: {@code action} is Docker's, e.g. {@code create}, {@code start}, {@code destroy}. */
        void event(String containerId, String action);

        /** The subscription ended: broken ({@code error} set) or completed by the engine. */
        void ended(Throwable error);
    }

    private final DockerClient docker;

    DockerEngine(DockerClient docker) {
        this.docker = docker;
    }

    /**
     * @throws ContainerNotFoundException if no such container exists
     * @throws IllegalStateException if the engine cannot be reached
     */
    ContainerInfo inspect(String containerId) {
        InspectContainerResponse info;
        try {
            info = docker.inspectContainerCmd(containerId).exec();
        } catch (NotFoundException e) {
            throw new ContainerNotFoundException(containerId, e);
        } catch (RuntimeException e) {
            throw unreachable(e);
        }
        var config = info.getConfig();
        return new ContainerInfo(info.getId(), info.getName(),
                config == null ? null : config.getLabels(),
                config != null && Boolean.TRUE.equals(config.getTty()),
                info.getHostConfig() != null && Boolean.TRUE.equals(info.getHostConfig().getAutoRemove()),
                info.getState() != null && Boolean.TRUE.equals(info.getState().getRunning()),
                info.getHostConfig() == null || info.getHostConfig().getLogConfig() == null
                        || info.getHostConfig().getLogConfig().getType() == null ? null
                        : info.getHostConfig().getLogConfig().getType().getType(),
                info.getLogPath());
    }

    /**
     * The ids of the running containers.
     *
     * @throws IllegalStateException if the engine cannot be reached
     */
    List<String> runningIds() {
        try {
            return docker.listContainersCmd().exec().stream().map(Container::getId).toList();
        } catch (RuntimeException e) {
            throw unreachable(e);
        }
    }

    /**
     * The ids of the containers that have exited (not running, not being created or removed).
     *
     * @throws IllegalStateException if the engine cannot be reached
     */
    List<String> exitedIds() {
        try {
            return docker.listContainersCmd().withShowAll(true).withStatusFilter(List.of("exited")).exec().stream()
                    .map(Container::getId).toList();
        } catch (RuntimeException e) {
            throw unreachable(e);
        }
    }

    /** The full id of a container named by id, id prefix or name; null if unknown or the engine is away. */
    String idOf(String containerIdOrName) {
        try {
            return docker.inspectContainerCmd(containerIdOrName).exec().getId();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Makes docker-java build its inspect mapping now rather than at the first inspect that is in
     * a hurry (see {@code docs/docker-notes.md}): inspects some container, if there is one.
     */
    void warmUpInspect() {
        try {
            List<Container> any = docker.listContainersCmd().withShowAll(true).withLimit(1).exec();
            if (!any.isEmpty()) {
                docker.inspectContainerCmd(any.get(0).getId()).exec();
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "warm-up inspect failed", e);
        }
    }

    /**
     * Subscribes to container events; closing the returned handle ends the subscription (the
     * listener then hears {@link EventListener#ended}).
     *
     * @throws IllegalStateException if the engine cannot be reached
     */
    Closeable containerEvents(EventListener listener) {
        try {
            return docker.eventsCmd().withEventTypeFilter(EventType.CONTAINER).exec(new ResultCallback.Adapter<Event>() {
                @Override
                public void onStart(Closeable stream) {
                    super.onStart(stream);
                    listener.connected();
                }

                @Override
                public void onNext(Event event) {
                    if (event.getActor() != null && event.getActor().getId() != null) {
                        listener.event(event.getActor().getId(), event.getAction());
                    }
                }

                // Not the Adapter's own onError/onComplete: they close the stream, and whoever
                // holds the handle decides that.
                @Override
                public void onError(Throwable throwable) {
                    listener.ended(throwable);
                }

                @Override
                public void onComplete() {
                    listener.ended(null);
                }
            });
        } catch (RuntimeException e) {
            throw unreachable(e);
        }
    }

    private static IllegalStateException unreachable(RuntimeException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return new IllegalStateException("cannot reach the Docker engine: " + e.getMessage()
                + (root != e ? " (" + root + ")" : ""), e);
    }
}
