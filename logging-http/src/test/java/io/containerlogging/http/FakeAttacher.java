package io.containerlogging.http;

import io.containerlogging.core.AttachOptions;
import io.containerlogging.core.AttachedContainer;
import io.containerlogging.core.ContainerAttacher;
import io.containerlogging.core.ContainerNotFoundException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link ContainerAttacher} over a fixed set of "existing" containers, recording the options it
 * was given. The real one (logging-docker) is tested end to end against Docker there.
 */
final class FakeAttacher implements ContainerAttacher {

    private final Map<String, String> existing; // full id -> name
    private final Map<String, AttachedContainer> attached = new ConcurrentHashMap<>();
    final List<AttachOptions> requests = new CopyOnWriteArrayList<>();
    volatile boolean engineDown;

    FakeAttacher(Map<String, String> existing) {
        this.existing = Map.copyOf(existing);
    }

    @Override
    public AttachedContainer attach(AttachOptions options) {
        requests.add(options);
        if (engineDown) {
            throw new IllegalStateException("Docker engine unreachable");
        }
        String fullId = resolve(options.containerId());
        if (fullId == null) {
            throw new ContainerNotFoundException(options.containerId());
        }
        String serviceName = options.serviceName() != null ? options.serviceName() : existing.get(fullId);
        AttachedContainer container = new AttachedContainer(fullId, options.serviceId(), serviceName);
        attached.put(fullId, container);
        return container;
    }

    @Override
    public boolean detach(String containerId) {
        String fullId = resolve(containerId);
        return fullId != null && attached.remove(fullId) != null;
    }

    @Override
    public List<AttachedContainer> attachedContainers() {
        return List.copyOf(attached.values());
    }

    private String resolve(String idOrName) {
        for (Map.Entry<String, String> e : existing.entrySet()) {
            if (e.getKey().startsWith(idOrName) || e.getValue().equals(idOrName)) {
                return e.getKey();
            }
        }
        return null;
    }
}
