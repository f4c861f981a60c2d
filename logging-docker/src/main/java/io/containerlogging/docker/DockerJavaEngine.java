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
 * The {@link DockerEngine} of a monitor built on a docker-java {@link DockerClient}: docker-java's
 * types and exceptions are converted here so that nothing past this class sees them.
 *
 * <p>Thread-safety: as thread-safe as the Docker client (docker-java's is).
 */
final class DockerJavaEngine implements DockerEngine {

    private static final System.Logger LOG = System.getLogger(DockerJavaEngine.class.getName());

    private final DockerClient docker;

    DockerJavaEngine(DockerClient docker) {
        this.docker = docker;
    }

    @Override
    public ContainerInfo inspect(String containerId) {
        InspectContainerResponse info;
        try {
            info = docker.inspectContainerCmd(containerId).exec();
        } catch (NotFoundException e) {
            throw new ContainerNotFoundException(containerId, e);
        } catch (RuntimeException e) {
            throw DockerEngine.unreachable(e);
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

    @Override
    public List<String> runningIds() {
        try {
            return docker.listContainersCmd().exec().stream().map(Container::getId).toList();
        } catch (RuntimeException e) {
            throw DockerEngine.unreachable(e);
        }
    }

    @Override
    public List<String> exitedIds() {
        try {
            return docker.listContainersCmd().withShowAll(true).withStatusFilter(List.of("exited")).exec().stream()
                    .map(Container::getId).toList();
        } catch (RuntimeException e) {
            throw DockerEngine.unreachable(e);
        }
    }

    @Override
    public String idOf(String containerIdOrName) {
        try {
            return docker.inspectContainerCmd(containerIdOrName).exec().getId();
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public void warmUpInspect() {
        try {
            List<Container> any = docker.listContainersCmd().withShowAll(true).withLimit(1).exec();
            if (!any.isEmpty()) {
                docker.inspectContainerCmd(any.get(0).getId()).exec();
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "warm-up inspect failed", e);
        }
    }

    @Override
    public Closeable containerEvents(EventListener listener) {
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
            throw DockerEngine.unreachable(e);
        }
    }
}
